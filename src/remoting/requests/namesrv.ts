// Owns: the request and response headers of the NameServer family (codes 100-106, 205, 206, 216,
// 219, 224, 322, 327, 904): wire keys, required fields, types.
// Counterpart: org.apache.rocketmq.remoting.protocol.header.namesrv.*RequestHeader.
//
// Grammar (extFields; bodies are fastjson text and live in common/route-data.ts, topic-config.ts):
//   REGISTER_BROKER      brokerName brokerAddr clusterName haServerAddr brokerId compressed bodyCrc32
//                        [heartbeatTimeoutMillis] ; body RegisterBrokerBody
//                     -> haServerAddr? masterAddr? ; body KVTable of ORDER_TOPIC_CONFIG or empty
//   UNREGISTER_BROKER    brokerName brokerAddr clusterName brokerId
//   GET_ROUTEINFO_BY_TOPIC topic [acceptStandardJsonOnly] -> body TopicRouteData
//   DELETE_TOPIC_IN_NAMESRV topic [clusterName]
//   WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER brokerName -> wipeTopicCount / addTopicCount
//   GET_TOPICS_BY_CLUSTER cluster -> body TopicList
//   PUT_KV_CONFIG namespace key value ; GET_KV_CONFIG namespace key -> value ; DELETE_KV_CONFIG namespace key
//   GET_KVLIST_BY_NAMESPACE namespace -> body KVTable
//   QUERY_DATA_VERSION   brokerName brokerAddr clusterName brokerId ; body DataVersion -> changed
//   BROKER_HEARTBEAT     clusterName brokerAddr brokerName [brokerId] [epoch] [maxOffset] [confirmOffset] [heartbeatTimeoutMills]

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field } from './define-request.js';

export const RegisterBroker = defineRequest({
  codes: [RequestCode.REGISTER_BROKER],
  header: {
    brokerName: field.string(),
    brokerAddr: field.string(),
    clusterName: field.string(),
    haServerAddr: field.string(),
    brokerId: field.long(),
    compressed: field.bool({ optional: true }),
    bodyCrc32: field.int({ optional: true }),
    heartbeatTimeoutMillis: field.long({ optional: true }),
  },
  response: {
    haServerAddr: field.string({ optional: true }),
    masterAddr: field.string({ optional: true }),
  },
});

export const UnregisterBroker = defineRequest({
  codes: [RequestCode.UNREGISTER_BROKER],
  header: {
    brokerName: field.string(),
    brokerAddr: field.string(),
    clusterName: field.string(),
    brokerId: field.long(),
  },
});

export const GetRouteInfoByTopic = defineRequest({
  codes: [RequestCode.GET_ROUTEINFO_BY_TOPIC],
  header: {
    topic: field.string(),
    acceptStandardJsonOnly: field.bool({ optional: true }),
  },
});

export const DeleteTopicInNamesrv = defineRequest({
  codes: [RequestCode.DELETE_TOPIC_IN_NAMESRV],
  header: { topic: field.string(), clusterName: field.string({ optional: true }) },
});

export const WipeWritePermOfBroker = defineRequest({
  codes: [RequestCode.WIPE_WRITE_PERM_OF_BROKER],
  header: { brokerName: field.string() },
  response: { wipeTopicCount: field.int() },
});

export const AddWritePermOfBroker = defineRequest({
  codes: [RequestCode.ADD_WRITE_PERM_OF_BROKER],
  header: { brokerName: field.string() },
  response: { addTopicCount: field.int() },
});

export const GetTopicsByCluster = defineRequest({
  codes: [RequestCode.GET_TOPICS_BY_CLUSTER],
  header: { cluster: field.string() },
});

export const PutKvConfig = defineRequest({
  codes: [RequestCode.PUT_KV_CONFIG],
  header: { namespace: field.string(), key: field.string(), value: field.string() },
});

export const GetKvConfig = defineRequest({
  codes: [RequestCode.GET_KV_CONFIG],
  header: { namespace: field.string(), key: field.string() },
  response: { value: field.string({ optional: true }) },
});

export const DeleteKvConfig = defineRequest({
  codes: [RequestCode.DELETE_KV_CONFIG],
  header: { namespace: field.string(), key: field.string() },
});

export const GetKvListByNamespace = defineRequest({
  codes: [RequestCode.GET_KVLIST_BY_NAMESPACE],
  header: { namespace: field.string() },
});

export const QueryDataVersion = defineRequest({
  codes: [RequestCode.QUERY_DATA_VERSION],
  header: {
    brokerName: field.string(),
    brokerAddr: field.string(),
    clusterName: field.string(),
    brokerId: field.long(),
  },
  response: { changed: field.bool() },
});

export const BrokerHeartbeat = defineRequest({
  codes: [RequestCode.BROKER_HEARTBEAT],
  header: {
    clusterName: field.string(),
    brokerAddr: field.string(),
    brokerName: field.string(),
    brokerId: field.long({ optional: true }),
    heartbeatTimeoutMills: field.long({ optional: true }),
  },
});
