import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { type ExtFields, decodeCommand, encodeCommand, RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import {
  GetEarliestMsgStoretime,
  GetMaxOffset,
  GetMinOffset,
  QueryConsumerOffset,
  SearchOffsetByTimestamp,
  UpdateConsumerOffset,
} from '../../../../src/remoting/requests/offsets.js';
import { readFrameFile } from '../../../harness/fixtures.js';

function command(relPath: string): RemotingCommand {
  return decodeCommand(readFrameFile(relPath).subarray(4));
}

function decoded<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

/** A response built from `extFields` re-encodes to the captured frame, byte for byte. */
function assertResponseBytes(relPath: string, extFields: ExtFields): void {
  const captured = readFrameFile(relPath);
  const expected = command(relPath);
  assert.deepEqual(extFields, expected.extFields, 'extFields as Java wrote them');
  const ours = RemotingCommand.response(ResponseCode.SUCCESS, null, extFields);
  ours.opaque = expected.opaque;
  ours.serializeType = expected.serializeType;
  assert.deepEqual(Buffer.concat(encodeCommand(ours)), captured, `${relPath} re-encodes byte for byte`);
}

const QUERY = 'consumer/013-client2broker-QUERY_CONSUMER_OFFSET-JSON.bin';
const QUERY_JAVA = 'consumer/015-client2broker-QUERY_CONSUMER_OFFSET-ROCKETMQ.bin';
const UPDATE = 'consumer/017-client2broker-UPDATE_CONSUMER_OFFSET-JSON.bin';
const UPDATE_JAVA = 'consumer/019-client2broker-UPDATE_CONSUMER_OFFSET-ROCKETMQ.bin';

test('QUERY_CONSUMER_OFFSET decodes the ali-ons (numeric queueId) and Java (bname) requests', () => {
  assert.deepEqual(decoded(QueryConsumerOffset.decode(command(QUERY))), { consumerGroup: 'fixture_cg_node', topic: 'FixtureTopic', queueId: 0 });
  assert.deepEqual(decoded(QueryConsumerOffset.decode(command(QUERY_JAVA))), {
    consumerGroup: 'fixture_cg_orderly',
    topic: 'FixtureTopic',
    queueId: 0,
    bname: 'broker-a',
  });
  assert.deepEqual(QueryConsumerOffset.codes, [RequestCode.QUERY_CONSUMER_OFFSET]);
});

test('QUERY_CONSUMER_OFFSET answers re-encode to the captured JSON and ROCKETMQ frames', () => {
  assertResponseBytes('consumer/014-broker2client-SUCCESS_for_QUERY_CONSUMER_OFFSET-JSON.bin', QueryConsumerOffset.encodeResponse({ offset: 0 }));
  assertResponseBytes('consumer/016-broker2client-SUCCESS_for_QUERY_CONSUMER_OFFSET-ROCKETMQ.bin', QueryConsumerOffset.encodeResponse({ offset: 0 }));
  assert.deepEqual(decoded(QueryConsumerOffset.decodeResponse(command('consumer/014-broker2client-SUCCESS_for_QUERY_CONSUMER_OFFSET-JSON.bin'))), { offset: 0 });
});

test('QUERY_CONSUMER_OFFSET reads the 5.x setZeroIfNotFound flag', () => {
  const request = RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'g', topic: 't', queueId: '3', setZeroIfNotFound: 'false' });
  assert.deepEqual(decoded(QueryConsumerOffset.decode(request)), { consumerGroup: 'g', topic: 't', queueId: 3, setZeroIfNotFound: false });
});

test('UPDATE_CONSUMER_OFFSET decodes the ali-ons request and the Java one-way request', () => {
  assert.deepEqual(decoded(UpdateConsumerOffset.decode(command(UPDATE))), {
    consumerGroup: 'fixture_cg_node',
    topic: 'FixtureTopic',
    queueId: 0,
    commitOffset: 4,
  });
  const java = command(UPDATE_JAVA);
  assert.equal(java.isOneway, true);
  assert.deepEqual(decoded(UpdateConsumerOffset.decode(java)), {
    consumerGroup: 'fixture_cg_orderly',
    topic: 'FixtureTopic',
    queueId: 0,
    commitOffset: 6,
    bname: 'broker-a',
  });
});

test('UPDATE_CONSUMER_OFFSET answers with empty extFields, as Java does', () => {
  assertResponseBytes('consumer/018-broker2client-SUCCESS_for_UPDATE_CONSUMER_OFFSET-JSON.bin', UpdateConsumerOffset.encodeResponse({}));
});

test('the ali-ons commit of -1 decodes as a negative long', () => {
  const request = RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g', topic: 't', queueId: '1', commitOffset: '-1' });
  assert.equal(decoded(UpdateConsumerOffset.decode(request)).commitOffset, -1);
});

const QUEUE_QUERIES = [
  {
    name: 'SEARCH_OFFSET_BY_TIMESTAMP',
    codec: SearchOffsetByTimestamp,
    frames: [
      ['query/009-client2broker-SEARCH_OFFSET_BY_TIMESTAMP-JSON.bin', { topic: 'FixtureTopic', queueId: 0, timestamp: 1795237730077, bname: 'broker-a' }],
      ['query/011-client2broker-SEARCH_OFFSET_BY_TIMESTAMP-ROCKETMQ.bin', { topic: 'FixtureTopic', queueId: 1, timestamp: 1795237685012, bname: 'broker-a' }],
    ],
    responses: [
      ['query/010-broker2client-SUCCESS_for_SEARCH_OFFSET_BY_TIMESTAMP-JSON.bin', { offset: 5 }],
      ['query/012-broker2client-SUCCESS_for_SEARCH_OFFSET_BY_TIMESTAMP-ROCKETMQ.bin', { offset: 6 }],
    ],
  },
  {
    name: 'GET_MAX_OFFSET',
    codec: GetMaxOffset,
    frames: [
      ['query/013-client2broker-GET_MAX_OFFSET-JSON.bin', { topic: 'FixtureTopic', queueId: 0, bname: 'broker-a' }],
      ['query/015-client2broker-GET_MAX_OFFSET-ROCKETMQ.bin', { topic: 'FixtureTopic', queueId: 1, bname: 'broker-a' }],
    ],
    responses: [
      ['query/014-broker2client-SUCCESS_for_GET_MAX_OFFSET-JSON.bin', { offset: 6 }],
      ['query/016-broker2client-SUCCESS_for_GET_MAX_OFFSET-ROCKETMQ.bin', { offset: 12 }],
    ],
  },
  {
    name: 'GET_MIN_OFFSET',
    codec: GetMinOffset,
    frames: [
      ['query/017-client2broker-GET_MIN_OFFSET-JSON.bin', { topic: 'FixtureTopic', queueId: 0, bname: 'broker-a' }],
      ['query/019-client2broker-GET_MIN_OFFSET-ROCKETMQ.bin', { topic: 'FixtureTopic', queueId: 1, bname: 'broker-a' }],
    ],
    responses: [
      ['query/018-broker2client-SUCCESS_for_GET_MIN_OFFSET-JSON.bin', { offset: 0 }],
      ['query/020-broker2client-SUCCESS_for_GET_MIN_OFFSET-ROCKETMQ.bin', { offset: 0 }],
    ],
  },
  {
    name: 'GET_EARLIEST_MSG_STORETIME',
    codec: GetEarliestMsgStoretime,
    frames: [
      ['query/021-client2broker-GET_EARLIEST_MSG_STORETIME-JSON.bin', { topic: 'FixtureTopic', queueId: 0, bname: 'broker-a' }],
      ['query/023-client2broker-GET_EARLIEST_MSG_STORETIME-ROCKETMQ.bin', { topic: 'FixtureTopic', queueId: 1, bname: 'broker-a' }],
    ],
    responses: [
      ['query/022-broker2client-SUCCESS_for_GET_EARLIEST_MSG_STORETIME-JSON.bin', { timestamp: 1795237595631 }],
      ['query/024-broker2client-SUCCESS_for_GET_EARLIEST_MSG_STORETIME-ROCKETMQ.bin', { timestamp: 1795237595606 }],
    ],
  },
] as const;

for (const family of QUEUE_QUERIES) {
  test(`${family.name} decodes the captured JSON and ROCKETMQ requests`, () => {
    for (const [file, expected] of family.frames) {
      const request = command(file);
      assert.equal(request.code, family.codec.codes[0]);
      assert.deepEqual(decoded(family.codec.decode(request) as { ok: true; value: unknown }), expected, file);
    }
  });

  test(`${family.name} answers re-encode to the captured frames`, () => {
    for (const [file, values] of family.responses) {
      // Each codec's response type differs; the table pairs each with its own values.
      const encode = family.codec.encodeResponse as (v: typeof values) => ExtFields;
      assertResponseBytes(file, encode(values));
      assert.deepEqual(decoded(family.codec.decodeResponse(command(file)) as { ok: true; value: unknown }), values, file);
    }
  });
}

test('a request missing a required field or carrying a non-number names the field', () => {
  const missing = GetMaxOffset.decode(RemotingCommand.request(RequestCode.GET_MAX_OFFSET, { topic: 't' }));
  assert.deepEqual(missing, { ok: false, error: 'the custom field <queueId> is null' });
  const badLong = UpdateConsumerOffset.decode(
    RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'g', topic: 't', queueId: '0', commitOffset: 'x' }),
  );
  assert.equal(badLong.ok, false);
  assert.match(badLong.ok ? '' : badLong.error, /<commitOffset>/);
  const noHeader = SearchOffsetByTimestamp.decode(RemotingCommand.request(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP));
  assert.deepEqual(noHeader, { ok: false, error: 'the custom field <topic> is null' });
});

test('requests encode with the Java wire keys', () => {
  assert.deepEqual(SearchOffsetByTimestamp.encode({ topic: 't', queueId: 2, timestamp: 1700000000000 }), { topic: 't', queueId: '2', timestamp: '1700000000000' });
  assert.deepEqual(UpdateConsumerOffset.encode({ consumerGroup: 'g', topic: 't', queueId: 1, commitOffset: 9, bname: 'b' }), {
    consumerGroup: 'g',
    topic: 't',
    queueId: '1',
    commitOffset: '9',
    bname: 'b',
  });
});
