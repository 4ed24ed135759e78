import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { decodeCommand, encodeCommand, RemotingCommand, SerializeType } from '../../../../src/remoting/remoting-command.js';
import { CheckTransactionState, EndTransaction, isTransactionResolution, TransactionResolution } from '../../../../src/remoting/requests/transaction.js';
import { readFrameFile } from '../../../harness/fixtures.js';

function command(relPath: string): RemotingCommand {
  return decodeCommand(readFrameFile(relPath).subarray(4));
}

function decoded<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

test('END_TRANSACTION decodes the Java producer\'s commit, rollback and unknown (one-way, ROCKETMQ header)', () => {
  const commit = command('transaction/003-client2broker-END_TRANSACTION-ROCKETMQ.bin');
  assert.equal(commit.isOneway, true);
  assert.deepEqual(decoded(EndTransaction.decode(commit)), {
    producerGroup: 'fixture_tx_pg',
    tranStateTableOffset: 0,
    commitLogOffset: 9106,
    commitOrRollback: TransactionResolution.COMMIT,
    fromTransactionCheck: false,
    msgId: 'C000020278245FFD2B2768194711000C',
    bname: 'broker-a',
  });
  assert.equal(decoded(EndTransaction.decode(command('transaction/006-client2broker-END_TRANSACTION-ROCKETMQ.bin'))).commitOrRollback, 12);
  assert.equal(decoded(EndTransaction.decode(command('transaction/009-client2broker-END_TRANSACTION-ROCKETMQ.bin'))).commitOrRollback, 0);
});

test('END_TRANSACTION answering a check carries fromTransactionCheck and the check\'s transactionId', () => {
  assert.deepEqual(decoded(EndTransaction.decode(command('transaction/011-client2broker-END_TRANSACTION-ROCKETMQ.bin'))), {
    producerGroup: 'fixture_tx_pg',
    tranStateTableOffset: 3,
    commitLogOffset: 10870,
    commitOrRollback: 8,
    fromTransactionCheck: true,
    msgId: 'C000020278245FFD2B2768194730000E',
    transactionId: 'C000020278245FFD2B2768194730000E',
  });
});

test('END_TRANSACTION without a mandatory field names it, as Java does', () => {
  const request = RemotingCommand.request(RequestCode.END_TRANSACTION, { producerGroup: 'g', tranStateTableOffset: '0', commitOrRollback: '8', msgId: 'm' });
  const result = EndTransaction.decode(request);
  assert.equal(result.ok, false);
  assert.match((result as { error: string }).error, /commitLogOffset/);
});

test('commitOrRollback accepts only 0, 8 and 12', () => {
  assert.deepEqual([0, 4, 8, 12, 13, -1].map(isTransactionResolution), [true, false, true, true, false, false]);
});

test('CHECK_TRANSACTION_STATE re-encodes to the 4.9.8 broker\'s frame, byte for byte', () => {
  const relPath = 'transaction/010-broker2client-CHECK_TRANSACTION_STATE-JSON.bin';
  const captured = command(relPath);
  const header = decoded(CheckTransactionState.decode(captured));
  assert.deepEqual(header, {
    tranStateTableOffset: 3,
    commitLogOffset: 10870,
    msgId: 'C000020278245FFD2B2768194730000E',
    transactionId: 'C000020278245FFD2B2768194730000E',
    offsetMsgId: '7F00000100009FCF0000000000002A76',
  });
  const ours = RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE, CheckTransactionState.encode(header), captured.body);
  ours.markOneway();
  ours.opaque = captured.opaque;
  ours.serializeType = SerializeType.JSON;
  ours.version = captured.version;
  assert.deepEqual(Buffer.concat(encodeCommand(ours)), readFrameFile(relPath));
});
