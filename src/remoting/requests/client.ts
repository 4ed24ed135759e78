// Owns: the client-management family: HEART_BEAT (34), UNREGISTER_CLIENT (35),
// GET_CONSUMER_LIST_BY_GROUP (38), NOTIFY_CONSUMER_IDS_CHANGED (40, broker -> consumer),
// LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42): their headers, and the JSON bodies HeartbeatData,
// GetConsumerListByGroupResponseBody, LockBatchRequestBody, LockBatchResponseBody and
// UnlockBatchRequestBody.
// Counterpart: org.apache.rocketmq.common.protocol.header.{UnregisterClient,GetConsumerListByGroup,
// NotifyConsumerIdsChanged}RequestHeader and common.protocol.heartbeat.* / protocol.body.* (4.9.8).
//
// Grammar (extFields; bodies are fastjson text, bean keys in alphabetical order):
//   HEART_BEAT                 (none)                              ; body HeartbeatData
//   UNREGISTER_CLIENT          clientID [producerGroup] [consumerGroup]
//   GET_CONSUMER_LIST_BY_GROUP consumerGroup                       -> body {"consumerIdList":[...]}
//   NOTIFY_CONSUMER_IDS_CHANGED consumerGroup                      (one-way, broker -> client)
//   LOCK_BATCH_MQ              (none) ; body LockBatchRequestBody  -> body {"lockOKMQSet":[mq...]}
//   UNLOCK_BATCH_MQ            (none) ; body UnlockBatchRequestBody
//
// HeartbeatData:
//   {"clientID":"192.0.2.2@pid",
//    "consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_PASSIVELY",
//       "groupName":"g","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,
//       "codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":1795237695979,
//       "tagsSet":["TagA"],"topic":"T"}],"unitMode":false}],
//    "producerDataSet":[{"groupName":"p"}]}
// ali-ons writes the same keys in its own order and leaves out expressionType (meaning TAG).
// 5.x clients add heartbeatFingerprint and withoutSub; they are read and otherwise ignored.
//
// Lock bodies: {"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}]}
// 5.x adds "onlyThisBroker" (written only when set, as 4.9.8 has no such field).

import {
  expectArray,
  expectBoolean,
  expectInteger,
  expectObject,
  expectString,
  FastJsonShapeError,
  type JsonObject,
  parseFastJson,
  toFastJson,
} from '../../common/fastjson.js';
import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field, type RequestHeaderOf } from './define-request.js';

// ---------------------------------------------------------------------------------------------
// Headers

export const HeartBeat = defineRequest({ codes: [RequestCode.HEART_BEAT], header: {} });

export const UnregisterClient = defineRequest({
  codes: [RequestCode.UNREGISTER_CLIENT],
  header: {
    clientID: field.string(),
    producerGroup: field.string({ optional: true }),
    consumerGroup: field.string({ optional: true }),
  },
});
export type UnregisterClientHeader = RequestHeaderOf<typeof UnregisterClient>;

export const GetConsumerListByGroup = defineRequest({
  codes: [RequestCode.GET_CONSUMER_LIST_BY_GROUP],
  header: { consumerGroup: field.string() },
});
export type GetConsumerListByGroupHeader = RequestHeaderOf<typeof GetConsumerListByGroup>;

export const NotifyConsumerIdsChanged = defineRequest({
  codes: [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED],
  header: { consumerGroup: field.string() },
});
export type NotifyConsumerIdsChangedHeader = RequestHeaderOf<typeof NotifyConsumerIdsChanged>;

export const LockBatchMQ = defineRequest({ codes: [RequestCode.LOCK_BATCH_MQ], header: {} });
export const UnlockBatchMQ = defineRequest({ codes: [RequestCode.UNLOCK_BATCH_MQ], header: {} });

// ---------------------------------------------------------------------------------------------
// Enums as their Java names

export const CONSUME_TYPES = ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY', 'CONSUME_POP'] as const;
/** CONSUME_ACTIVELY: pull consumer; CONSUME_PASSIVELY: push consumer; CONSUME_POP: 5.x only. */
export type ConsumeType = (typeof CONSUME_TYPES)[number];

export const MESSAGE_MODELS = ['BROADCASTING', 'CLUSTERING'] as const;
export type MessageModel = (typeof MESSAGE_MODELS)[number];

export const CONSUME_FROM_WHERES = [
  'CONSUME_FROM_LAST_OFFSET',
  'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST',
  'CONSUME_FROM_MIN_OFFSET',
  'CONSUME_FROM_MAX_OFFSET',
  'CONSUME_FROM_FIRST_OFFSET',
  'CONSUME_FROM_TIMESTAMP',
] as const;
export type ConsumeFromWhere = (typeof CONSUME_FROM_WHERES)[number];

/** Java's ExpressionType.TAG, what an absent expressionType means. */
export const EXPRESSION_TYPE_TAG = 'TAG';
/** Java's SubscriptionData.SUB_ALL. */
export const SUB_ALL = '*';

function expectEnum<T extends string>(values: readonly T[], value: unknown, field: string): T {
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw new FastJsonShapeError(field, `expected one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** A property that is absent or null reads as absent, as fastjson leaves a Java field at its default. */
function present(o: JsonObject, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

function optionalArray(o: JsonObject, key: string, field: string): unknown[] {
  return present(o, key) ? expectArray(o[key], `${field}.${key}`) : [];
}

function parseBody(body: Buffer | null, what: string): JsonObject {
  if (body === null || body.length === 0) throw new FastJsonShapeError(what, 'the request has no body');
  return expectObject(parseFastJson(body.toString('utf8')), what);
}

// ---------------------------------------------------------------------------------------------
// MessageQueue (as it appears in bodies)

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

function readMessageQueue(value: unknown, field: string): MessageQueue {
  const o = expectObject(value, field);
  return {
    topic: expectString(o['topic'], `${field}.topic`),
    brokerName: expectString(o['brokerName'], `${field}.brokerName`),
    queueId: expectInteger(o['queueId'], `${field}.queueId`),
  };
}

function messageQueueBean(mq: MessageQueue): object {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

// ---------------------------------------------------------------------------------------------
// HeartbeatData

export interface SubscriptionData {
  topic: string;
  /** The expression as the user wrote it: "TagA || TagB", "*", or an SQL92 text. */
  subString: string;
  classFilterMode: boolean;
  tagsSet: string[];
  /** Java String.hashCode of each tag. */
  codeSet: number[];
  /** When the client built this subscription (ms); a newer one replaces an older one. */
  subVersion: number;
  /** "TAG" or "SQL92". */
  expressionType: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  unitMode: boolean;
  subscriptionDataSet: SubscriptionData[];
}

export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** 5.x only: a hash of the consumer data, for heartbeats that leave the subscriptions out. */
  heartbeatFingerprint?: number;
  /** 5.x only: the consumer data carries no subscriptions (heartbeat v2). */
  withoutSub?: boolean;
}

export interface HeartbeatDecodeOptions {
  /**
   * What an absent subVersion reads as. Java's field default is the time the bean was built
   * (System.currentTimeMillis()), so the broker passes its clock; every known client sends one.
   */
  nowMs?: number;
}

function readSubscriptionData(value: unknown, field: string, nowMs: number): SubscriptionData {
  const o = expectObject(value, field);
  return {
    topic: expectString(o['topic'], `${field}.topic`),
    subString: expectString(o['subString'], `${field}.subString`),
    classFilterMode: present(o, 'classFilterMode') ? expectBoolean(o['classFilterMode'], `${field}.classFilterMode`) : false,
    tagsSet: optionalArray(o, 'tagsSet', field).map((tag, i) => expectString(tag, `${field}.tagsSet[${i}]`)),
    codeSet: optionalArray(o, 'codeSet', field).map((code, i) => expectInteger(code, `${field}.codeSet[${i}]`)),
    subVersion: present(o, 'subVersion') ? expectInteger(o['subVersion'], `${field}.subVersion`) : nowMs,
    expressionType: present(o, 'expressionType') ? expectString(o['expressionType'], `${field}.expressionType`) : EXPRESSION_TYPE_TAG,
  };
}

function readConsumerData(value: unknown, field: string, nowMs: number): ConsumerData {
  const o = expectObject(value, field);
  return {
    groupName: expectString(o['groupName'], `${field}.groupName`),
    consumeType: expectEnum(CONSUME_TYPES, o['consumeType'], `${field}.consumeType`),
    messageModel: expectEnum(MESSAGE_MODELS, o['messageModel'], `${field}.messageModel`),
    consumeFromWhere: expectEnum(CONSUME_FROM_WHERES, o['consumeFromWhere'], `${field}.consumeFromWhere`),
    unitMode: present(o, 'unitMode') ? expectBoolean(o['unitMode'], `${field}.unitMode`) : false,
    subscriptionDataSet: optionalArray(o, 'subscriptionDataSet', field).map((sub, i) =>
      readSubscriptionData(sub, `${field}.subscriptionDataSet[${i}]`, nowMs),
    ),
  };
}

/** Throws FastJsonSyntaxError or FastJsonShapeError (naming the field) on a malformed body. */
export function decodeHeartbeatData(body: Buffer | null, options: HeartbeatDecodeOptions = {}): HeartbeatData {
  const nowMs = options.nowMs ?? 0;
  const o = parseBody(body, 'HeartbeatData');
  const data: HeartbeatData = {
    clientID: expectString(o['clientID'], 'HeartbeatData.clientID'),
    producerDataSet: optionalArray(o, 'producerDataSet', 'HeartbeatData').map((p, i) => {
      const field = `HeartbeatData.producerDataSet[${i}]`;
      return { groupName: expectString(expectObject(p, field)['groupName'], `${field}.groupName`) };
    }),
    consumerDataSet: optionalArray(o, 'consumerDataSet', 'HeartbeatData').map((c, i) =>
      readConsumerData(c, `HeartbeatData.consumerDataSet[${i}]`, nowMs),
    ),
  };
  if (present(o, 'heartbeatFingerprint')) data.heartbeatFingerprint = expectInteger(o['heartbeatFingerprint'], 'HeartbeatData.heartbeatFingerprint');
  // fastjson names the property of Java's `isWithoutSub` field after its getter: withoutSub.
  for (const key of ['withoutSub', 'isWithoutSub']) {
    if (present(o, key)) data.withoutSub = expectBoolean(o[key], `HeartbeatData.${key}`);
  }
  return data;
}

/** The bean Java's SubscriptionData serializes to (alphabetical keys), for bodies that embed one. */
export function subscriptionDataBean(sub: SubscriptionData): object {
  return {
    classFilterMode: sub.classFilterMode,
    codeSet: sub.codeSet,
    expressionType: sub.expressionType,
    subString: sub.subString,
    subVersion: sub.subVersion,
    tagsSet: sub.tagsSet,
    topic: sub.topic,
  };
}

function consumerDataBean(data: ConsumerData): object {
  return {
    consumeFromWhere: data.consumeFromWhere,
    consumeType: data.consumeType,
    groupName: data.groupName,
    messageModel: data.messageModel,
    subscriptionDataSet: data.subscriptionDataSet.map(subscriptionDataBean),
    unitMode: data.unitMode,
  };
}

/** The body as the 4.9.8 Java client writes it (fastjson, alphabetical keys). */
export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  const bean = {
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet.map(consumerDataBean),
    heartbeatFingerprint: data.heartbeatFingerprint,
    producerDataSet: data.producerDataSet.map((p) => ({ groupName: p.groupName })),
    withoutSub: data.withoutSub,
  };
  return Buffer.from(toFastJson(bean), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// GetConsumerListByGroupResponseBody

export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

export function encodeConsumerListBody(body: GetConsumerListByGroupResponseBody): Buffer {
  return Buffer.from(toFastJson({ consumerIdList: body.consumerIdList }), 'utf8');
}

export function decodeConsumerListBody(body: Buffer | null): GetConsumerListByGroupResponseBody {
  const o = parseBody(body, 'GetConsumerListByGroupResponseBody');
  const field = 'GetConsumerListByGroupResponseBody';
  return { consumerIdList: optionalArray(o, 'consumerIdList', field).map((id, i) => expectString(id, `${field}.consumerIdList[${i}]`)) };
}

// ---------------------------------------------------------------------------------------------
// LockBatchRequestBody, UnlockBatchRequestBody (same shape), LockBatchResponseBody

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  /** 5.x only: lock on this broker alone instead of on every replica of its broker group. */
  onlyThisBroker?: boolean;
  mqSet: MessageQueue[];
}
export type UnlockBatchRequestBody = LockBatchRequestBody;

export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

function decodeLockBody(body: Buffer | null, what: string): LockBatchRequestBody {
  const o = parseBody(body, what);
  const decoded: LockBatchRequestBody = {
    consumerGroup: expectString(o['consumerGroup'], `${what}.consumerGroup`),
    clientId: expectString(o['clientId'], `${what}.clientId`),
    mqSet: optionalArray(o, 'mqSet', what).map((mq, i) => readMessageQueue(mq, `${what}.mqSet[${i}]`)),
  };
  if (present(o, 'onlyThisBroker')) decoded.onlyThisBroker = expectBoolean(o['onlyThisBroker'], `${what}.onlyThisBroker`);
  return decoded;
}

function encodeLockBody(body: LockBatchRequestBody): Buffer {
  const bean = {
    clientId: body.clientId,
    consumerGroup: body.consumerGroup,
    mqSet: body.mqSet.map(messageQueueBean),
    onlyThisBroker: body.onlyThisBroker,
  };
  return Buffer.from(toFastJson(bean), 'utf8');
}

export function decodeLockBatchRequestBody(body: Buffer | null): LockBatchRequestBody {
  return decodeLockBody(body, 'LockBatchRequestBody');
}

export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Buffer {
  return encodeLockBody(body);
}

export function decodeUnlockBatchRequestBody(body: Buffer | null): UnlockBatchRequestBody {
  return decodeLockBody(body, 'UnlockBatchRequestBody');
}

export function encodeUnlockBatchRequestBody(body: UnlockBatchRequestBody): Buffer {
  return encodeLockBody(body);
}

export function decodeLockBatchResponseBody(body: Buffer | null): LockBatchResponseBody {
  const o = parseBody(body, 'LockBatchResponseBody');
  return {
    lockOKMQSet: optionalArray(o, 'lockOKMQSet', 'LockBatchResponseBody').map((mq, i) => readMessageQueue(mq, `LockBatchResponseBody.lockOKMQSet[${i}]`)),
  };
}

export function encodeLockBatchResponseBody(body: LockBatchResponseBody): Buffer {
  return Buffer.from(toFastJson({ lockOKMQSet: body.lockOKMQSet.map(messageQueueBean) }), 'utf8');
}
