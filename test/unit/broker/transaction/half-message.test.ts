// The messages a transaction writes, compared with what Apache RocketMQ 4.9.8 wrote: the store
// snapshot's half, committed and op records, and the captured half send and check (transaction/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkMessageBody,
  isTransactionPrepared,
  opMessage,
  opRecordHalfOffset,
  RMQ_SYS_TRANS_HALF_TOPIC,
  toCommittedMessage,
  toHalfMessage,
} from '../../../../src/broker/transaction/half-message.js';
import { needDiscard } from '../../../../src/broker/transaction/transaction-check.js';
import { decodeMessageRecord, encodeMessageRecord, type MessageExt } from '../../../../src/common/message/message-record.js';
import { decodeProperties, MessageConst } from '../../../../src/common/message/properties.js';
import { decodeCommand } from '../../../../src/remoting/remoting-command.js';
import { SendMessage } from '../../../../src/remoting/requests/send.js';
import type { MessageInput } from '../../../../src/store/message-store.js';
import { readFrameFile } from '../../../harness/fixtures.js';
import { loadStoreManifest, type ManifestRecord, readCommitLogSegment } from '../../../harness/store-fixture.js';

const segment = readCommitLogSegment();

function recordAt(commitLogOffset: number): { ext: MessageExt; bytes: Buffer; manifest: ManifestRecord } {
  const manifest = loadStoreManifest().commitlog.find((r) => r.commitLogOffset === commitLogOffset);
  assert.ok(manifest !== undefined, `manifest has a record at ${commitLogOffset}`);
  const bytes = segment.subarray(commitLogOffset, commitLogOffset + manifest.storeSize);
  return { ext: decodeMessageRecord(bytes, 0), bytes, manifest };
}

/** The record `msg` becomes when the store puts it where 4.9.8 put `at`. */
function storedLike(msg: MessageInput, at: ManifestRecord): Buffer {
  return encodeMessageRecord({
    topic: msg.topic,
    queueId: msg.queueId,
    flag: msg.flag ?? 0,
    queueOffset: at.queueOffset,
    commitLogOffset: at.commitLogOffset,
    sysFlag: msg.sysFlag ?? 0,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    storeTimestamp: at.storeTimestamp,
    storeHost: at.storeHost,
    reconsumeTimes: msg.reconsumeTimes ?? 0,
    preparedTransactionOffset: msg.preparedTransactionOffset ?? 0,
    body: msg.body,
    propertiesString: msg.propertiesString ?? '',
  });
}

/** The message the send handler builds from a captured SEND_MESSAGE_V2 (producer's properties + CLUSTER). */
function sentMessage(relPath: string): MessageInput {
  const request = decodeCommand(readFrameFile(relPath).subarray(4));
  const decoded = SendMessage.decode(request);
  assert.ok(decoded.ok);
  const header = decoded.value;
  const properties = decodeProperties(header.properties ?? '');
  properties.set(MessageConst.PROPERTY_CLUSTER, 'DefaultCluster');
  return {
    topic: header.topic,
    queueId: header.queueId,
    flag: header.flag,
    sysFlag: header.sysFlag,
    body: request.body ?? Buffer.alloc(0),
    properties,
    bornTimestamp: header.bornTimestamp,
    bornHost: '127.0.0.1:44806',
  };
}

test('a TRAN_MSG send becomes a half message in RMQ_SYS_TRANS_HALF_TOPIC queue 0, properties in the order 4.9.8 stores them', () => {
  const sent = sentMessage('transaction/001-client2broker-SEND_MESSAGE_V2-ROCKETMQ.bin');
  assert.equal(isTransactionPrepared(sent.properties), true);
  assert.equal(sent.sysFlag, 4, 'the Java producer sends TRANSACTION_PREPARED_TYPE');
  const half = toHalfMessage(sent);
  assert.equal(half.topic, RMQ_SYS_TRANS_HALF_TOPIC);
  assert.equal(half.queueId, 0);
  assert.equal(half.sysFlag, 0, 'transaction bits reset, so the half queue indexes it');
  assert.equal(half.properties.get('REAL_TOPIC'), 'FixtureTopic');
  assert.equal(half.properties.get('REAL_QID'), '2');
  // The 4.9.8 store snapshot's half record has the same keys; Java's HashMap order depends on
  // the keys alone, so ours must list them in its order.
  const javaOrder = [...decodeProperties(recordAt(11272).manifest.propertiesRaw).keys()];
  assert.deepEqual([...decodeProperties(half.propertiesString!).keys()], javaOrder);
  assert.equal(half.propertiesString!.includes('UNIQ_KEY\u0001C000020278245FFD2B2768194711000C'), true);
  // The send itself is untouched: the caller may still answer from it.
  assert.equal(sent.topic, 'FixtureTopic');
  assert.equal(sent.properties.has('REAL_TOPIC'), false);
});

test('TRAN_MSG is read as Java reads a boolean: case-insensitive "true" only', () => {
  assert.equal(isTransactionPrepared(new Map([['TRAN_MSG', 'TRUE']])), true);
  assert.equal(isTransactionPrepared(new Map([['TRAN_MSG', 'yes']])), false);
  assert.equal(isTransactionPrepared(new Map()), false);
});

test('a commit rewrites the 4.9.8 half record into the byte-identical committed record', () => {
  const half = recordAt(11272).ext;
  const { bytes: expected, manifest } = recordAt(11587);
  const committed = toCommittedMessage(half);
  assert.ok(!('reason' in committed));
  assert.equal(committed.topic, 'FixtureTopic');
  assert.equal(committed.queueId, 0);
  assert.equal(committed.sysFlag, 8);
  assert.equal(committed.preparedTransactionOffset, 11272);
  // Compat: the stored string keeps TRAN_MSG / REAL_*; the map used for tags and keys drops them.
  assert.equal(committed.properties.has('TRAN_MSG'), false);
  assert.equal(committed.properties.get('KEYS'), 'tx-commit-key');
  assert.deepEqual(storedLike(committed, manifest), expected);
});

test('a half message without REAL_TOPIC or with a bad REAL_QID cannot be committed', () => {
  const half = recordAt(11272).ext;
  const noTopic = { ...half, properties: new Map([...half.properties].filter(([k]) => k !== 'REAL_TOPIC')) };
  assert.match((toCommittedMessage(noTopic) as { reason: string }).reason, /REAL_TOPIC/);
  const badQid = { ...half, properties: new Map([...half.properties, ['REAL_QID', 'x']]) };
  assert.match((toCommittedMessage(badQid) as { reason: string }).reason, /REAL_QID/);
});

test('op records are byte-identical to 4.9.8 ones: tag d, body = the half queue offset, born on the broker', () => {
  for (const at of [12209, 12344]) {
    const { bytes: expected, manifest, ext } = recordAt(at);
    const op = opMessage(0, Number(manifest.body), manifest.storeHost, manifest.bornTimestamp);
    assert.deepEqual(storedLike(op, manifest), expected, `op record at ${at}`);
    assert.equal(opRecordHalfOffset(ext), Number(manifest.body));
  }
});

test('an op record whose body is not a number names half offset -1, as Java getLong', () => {
  const { ext } = recordAt(12209);
  assert.equal(opRecordHalfOffset({ ...ext, body: Buffer.from('x1') }), -1);
});

test('the check body is the half message in its real topic, with the check count, as in the captured check', () => {
  // transaction/007 is the half message the 4.9.8 broker checked in transaction/010.
  const half = toHalfMessage(sentMessage('transaction/007-client2broker-SEND_MESSAGE_V2-ROCKETMQ.bin'));
  const stored = decodeMessageRecord(storedLike(half, { queueOffset: 2, commitLogOffset: 10145, storeTimestamp: 1795237687091, storeHost: '127.0.0.1:40911' } as ManifestRecord), 0);
  const properties = new Map(stored.properties);
  assert.equal(needDiscard(properties, 15), false);
  const body = checkMessageBody(stored, properties, { queueOffset: 3, commitLogOffset: 10870 });
  assert.ok(body !== undefined);
  const ours = decodeMessageRecord(body, 0);
  const java = decodeMessageRecord(decodeCommand(readFrameFile('transaction/010-broker2client-CHECK_TRANSACTION_STATE-JSON.bin').subarray(4)).body!, 0);
  assert.equal(ours.topic, java.topic);
  assert.equal(ours.queueId, java.queueId);
  assert.equal(ours.queueOffset, java.queueOffset);
  assert.equal(ours.commitLogOffset, java.commitLogOffset);
  assert.equal(ours.sysFlag, java.sysFlag);
  assert.equal(ours.propertiesString, java.propertiesString, 'same properties in the same order (WAIT=false, TRANSACTION_CHECK_TIMES=1)');
  assert.deepEqual(ours.body, java.body);
});

test('needDiscard counts checks and says discard once transactionCheckMax is reached', () => {
  const properties = new Map<string, string>();
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    assert.equal(needDiscard(properties, 3), false);
    seen.push(properties.get('TRANSACTION_CHECK_TIMES')!);
  }
  assert.deepEqual(seen, ['1', '2', '3']);
  assert.equal(needDiscard(properties, 3), true);
  // Java's getInt gives -1 for garbage, so the count restarts at 0.
  const garbage = new Map([['TRANSACTION_CHECK_TIMES', 'x']]);
  assert.equal(needDiscard(garbage, 3), false);
  assert.equal(garbage.get('TRANSACTION_CHECK_TIMES'), '0');
});
