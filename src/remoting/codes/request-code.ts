// Owns the numbers that name every remoting request (the `code` of a frame without the response
// flag): the union of the Apache RocketMQ 4.9.x line and the 5.x line up to develop, with Java's
// spelling kept so one grep finds a code in both codebases.
//
// Counterpart: org.apache.rocketmq.remoting.protocol.RequestCode (5.x),
//              org.apache.rocketmq.common.protocol.RequestCode (4.9.x).
//
// Provenance notes, checked against the Java sources of every 4.9.x and 5.x release branch:
// - No number carries two names and no name carries two numbers across the two lines, so the
//   union is conflict-free; the only difference is which codes exist where.
// - Codes marked "4.9 + 5.x ≤ 5.3.2" are the plain-ACL admin calls. 5.3.3 and develop dropped
//   them, ACL 2.0 (AUTH_*, 3001..3010, since 5.3.0) having replaced them; 4.9.8 also dropped
//   GET_BROKER_CLUSTER_ACL_CONFIG (54). They stay here because 4.9 admin tools still send them.
// - Codes marked "5.x" do not exist in any 4.9 release; a 4.9 broker answers them with
//   REQUEST_CODE_NOT_SUPPORTED.
// - The logical-queue codes (411..422) of the 5.0.0 preview branches never reached a release and
//   are left out.

/**
 * Every remoting request code of Apache RocketMQ 4.9.x and 5.x, keyed by its Java name.
 *
 * A frame's `code` field holds one of these values when the frame is a request (flag bit 0 clear).
 */
export const RequestCode = Object.freeze({
  // Produce, pull, query and offsets (client → broker).
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_MESSAGE: 12,
  QUERY_BROKER_OFFSET: 13,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,

  // Topic and broker administration (admin → broker).
  UPDATE_AND_CREATE_TOPIC: 17,
  UPDATE_AND_CREATE_TOPIC_LIST: 18, // 5.x (5.3.0+)
  GET_ALL_TOPIC_CONFIG: 21,
  GET_TOPIC_CONFIG_LIST: 22,
  GET_TOPIC_NAME_LIST: 23,
  UPDATE_BROKER_CONFIG: 25,
  GET_BROKER_CONFIG: 26,
  TRIGGER_DELETE_FILES: 27,
  GET_BROKER_RUNTIME_INFO: 28,

  // Offsets by time, view by id, client lifecycle, transactions, orderly locks.
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  GET_EARLIEST_MSG_STORETIME: 32,
  VIEW_MESSAGE_BY_ID: 33,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  END_TRANSACTION: 37,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  CHECK_TRANSACTION_STATE: 39, // broker → producer
  NOTIFY_CONSUMER_IDS_CHANGED: 40, // broker → consumer
  LOCK_BATCH_MQ: 41,
  UNLOCK_BATCH_MQ: 42,
  GET_ALL_CONSUMER_OFFSET: 43,
  GET_ALL_DELAY_OFFSET: 45,
  CHECK_CLIENT_CONFIG: 46,
  GET_CLIENT_CONFIG: 47, // 5.x

  // Plain ACL administration, replaced by AUTH_* in 5.3.3.
  UPDATE_AND_CREATE_ACL_CONFIG: 50, // 4.9 + 5.x ≤ 5.3.2
  DELETE_ACL_CONFIG: 51, // 4.9 + 5.x ≤ 5.3.2
  GET_BROKER_CLUSTER_ACL_INFO: 52, // 4.9 + 5.x ≤ 5.3.2
  UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: 53, // 4.9 + 5.x ≤ 5.3.2
  GET_BROKER_CLUSTER_ACL_CONFIG: 54, // 4.9.0..4.9.7 + 5.x ≤ 5.3.2

  // Timer (time-wheel delay) inspection.
  GET_TIMER_CHECK_POINT: 60, // 5.x
  GET_TIMER_METRICS: 61, // 5.x

  // NameServer: KV config, broker registration, routes, cluster.
  PUT_KV_CONFIG: 100,
  GET_KV_CONFIG: 101,
  DELETE_KV_CONFIG: 102,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,

  // Subscription groups, stats, connections, consumer control, topic lists.
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: 200,
  GET_ALL_SUBSCRIPTIONGROUP_CONFIG: 201,
  GET_TOPIC_STATS_INFO: 202,
  GET_CONSUMER_CONNECTION_LIST: 203,
  GET_PRODUCER_CONNECTION_LIST: 204,
  WIPE_WRITE_PERM_OF_BROKER: 205,
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  DELETE_SUBSCRIPTIONGROUP: 207,
  GET_CONSUME_STATS: 208,
  SUSPEND_CONSUMER: 209,
  RESUME_CONSUMER: 210,
  RESET_CONSUMER_OFFSET_IN_CONSUMER: 211,
  RESET_CONSUMER_OFFSET_IN_BROKER: 212,
  ADJUST_CONSUMER_THREAD_POOL: 213,
  WHO_CONSUME_THE_MESSAGE: 214,
  DELETE_TOPIC_IN_BROKER: 215,
  DELETE_TOPIC_IN_NAMESRV: 216,
  REGISTER_TOPIC_IN_NAMESRV: 217, // 5.x
  GET_KVLIST_BY_NAMESPACE: 219,
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  INVOKE_BROKER_TO_RESET_OFFSET: 222,
  INVOKE_BROKER_TO_GET_CONSUMER_STATUS: 223,
  GET_TOPICS_BY_CLUSTER: 224,
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: 225, // 5.x (5.3.1+)

  // Filter servers, system topics, client introspection, send v2, units, stats, namesrv config.
  QUERY_TOPIC_CONSUME_BY_WHO: 300,
  REGISTER_FILTER_SERVER: 301,
  REGISTER_MESSAGE_FILTER_CLASS: 302,
  QUERY_CONSUME_TIME_SPAN: 303,
  GET_SYSTEM_TOPIC_LIST_FROM_NS: 304,
  GET_SYSTEM_TOPIC_LIST_FROM_BROKER: 305,
  CLEAN_EXPIRED_CONSUMEQUEUE: 306,
  GET_CONSUMER_RUNNING_INFO: 307, // broker → consumer
  QUERY_CORRECTION_OFFSET: 308,
  CONSUME_MESSAGE_DIRECTLY: 309, // broker → consumer
  SEND_MESSAGE_V2: 310,
  GET_UNIT_TOPIC_LIST: 311,
  GET_HAS_UNIT_SUB_TOPIC_LIST: 312,
  GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: 313,
  CLONE_GROUP_OFFSET: 314,
  VIEW_BROKER_STATS_DATA: 315,
  CLEAN_UNUSED_TOPIC: 316,
  GET_BROKER_CONSUME_STATS: 317,
  UPDATE_NAMESRV_CONFIG: 318,
  GET_NAMESRV_CONFIG: 319,
  SEND_BATCH_MESSAGE: 320,
  QUERY_CONSUME_QUEUE: 321,
  QUERY_DATA_VERSION: 322,
  RESUME_CHECK_HALF_MESSAGE: 323,
  SEND_REPLY_MESSAGE: 324,
  SEND_REPLY_MESSAGE_V2: 325,
  PUSH_REPLY_MESSAGE_TO_CLIENT: 326, // broker → requesting client
  ADD_WRITE_PERM_OF_BROKER: 327, // 4.9.2+ and 5.x
  GET_ALL_PRODUCER_INFO: 328, // 4.9.4+ and 5.x
  DELETE_EXPIRED_COMMITLOG: 329, // 4.9.4+ and 5.x
  QUERY_TOPICS_BY_CONSUMER: 343, // 5.x
  QUERY_SUBSCRIPTION_BY_CONSUMER: 345, // 5.x
  GET_TOPIC_CONFIG: 351, // 5.x
  GET_SUBSCRIPTIONGROUP_CONFIG: 352, // 5.x
  UPDATE_AND_GET_GROUP_FORBIDDEN: 353, // 5.x
  CHECK_ROCKSDB_CQ_WRITE_PROGRESS: 354, // 5.x (5.3.1+)
  EXPORT_ROCKSDB_CONFIG_TO_JSON: 355, // 5.x (5.3.2+)
  LITE_PULL_MESSAGE: 361, // 5.x
  RECALL_MESSAGE: 370, // 5.x (5.3.2+)

  // Client-side rebalance served by the broker, static topics.
  QUERY_ASSIGNMENT: 400, // 5.x
  SET_MESSAGE_REQUEST_MODE: 401, // 5.x
  GET_ALL_MESSAGE_REQUEST_MODE: 402, // 5.x
  UPDATE_AND_CREATE_STATIC_TOPIC: 513, // 5.x

  // Broker container, light heartbeat to the NameServer, HA between master and slaves.
  GET_BROKER_MEMBER_GROUP: 901, // 5.x
  ADD_BROKER: 902, // 5.x
  REMOVE_BROKER: 903, // 5.x
  BROKER_HEARTBEAT: 904, // 5.x
  NOTIFY_MIN_BROKER_ID_CHANGE: 905, // 5.x
  EXCHANGE_BROKER_HA_INFO: 906, // 5.x
  GET_BROKER_HA_STATUS: 907, // 5.x
  RESET_MASTER_FLUSH_OFFSET: 908, // 5.x

  // Controller (automatic master election). 1014..1018 are `short` in Java; the values fit.
  CONTROLLER_ALTER_SYNC_STATE_SET: 1001, // 5.x
  CONTROLLER_ELECT_MASTER: 1002, // 5.x
  CONTROLLER_REGISTER_BROKER: 1003, // 5.x
  CONTROLLER_GET_REPLICA_INFO: 1004, // 5.x
  CONTROLLER_GET_METADATA_INFO: 1005, // 5.x
  CONTROLLER_GET_SYNC_STATE_DATA: 1006, // 5.x
  GET_BROKER_EPOCH_CACHE: 1007, // 5.x
  NOTIFY_BROKER_ROLE_CHANGED: 1008, // 5.x
  UPDATE_CONTROLLER_CONFIG: 1009, // 5.x
  GET_CONTROLLER_CONFIG: 1010, // 5.x
  CLEAN_BROKER_DATA: 1011, // 5.x
  CONTROLLER_GET_NEXT_BROKER_ID: 1012, // 5.x (5.1.1+)
  CONTROLLER_APPLY_BROKER_ID: 1013, // 5.x (5.1.1+)
  BROKER_CLOSE_CHANNEL_REQUEST: 1014, // 5.x (5.2.0+)
  CHECK_NOT_ACTIVE_BROKER_REQUEST: 1015, // 5.x (5.2.0+)
  GET_BROKER_LIVE_INFO_REQUEST: 1016, // 5.x (5.2.0+)
  GET_SYNC_STATE_DATA_REQUEST: 1017, // 5.x (5.2.0+)
  RAFT_BROKER_HEART_BEAT_EVENT_REQUEST: 1018, // 5.x (5.2.0+)

  // Tiered storage: cold-data read flow control and CommitLog read mode.
  UPDATE_COLD_DATA_FLOW_CTR_CONFIG: 2001, // 5.x (5.1.2+)
  REMOVE_COLD_DATA_FLOW_CTR_CONFIG: 2002, // 5.x (5.1.2+)
  GET_COLD_DATA_FLOW_CTR_INFO: 2003, // 5.x (5.1.2+)
  SET_COMMITLOG_READ_MODE: 2004, // 5.x (5.1.2+)

  // ACL 2.0 users and policies.
  AUTH_CREATE_USER: 3001, // 5.x (5.3.0+)
  AUTH_UPDATE_USER: 3002, // 5.x (5.3.0+)
  AUTH_DELETE_USER: 3003, // 5.x (5.3.0+)
  AUTH_GET_USER: 3004, // 5.x (5.3.0+)
  AUTH_LIST_USER: 3005, // 5.x (5.3.0+)
  AUTH_CREATE_ACL: 3006, // 5.x (5.3.0+)
  AUTH_UPDATE_ACL: 3007, // 5.x (5.3.0+)
  AUTH_DELETE_ACL: 3008, // 5.x (5.3.0+)
  AUTH_GET_ACL: 3009, // 5.x (5.3.0+)
  AUTH_LIST_ACL: 3010, // 5.x (5.3.0+)

  // POP consumption (5.x proxy and pop consumers ↔ broker).
  POP_MESSAGE: 200050, // 5.x
  ACK_MESSAGE: 200051, // 5.x
  PEEK_MESSAGE: 200052, // 5.x
  CHANGE_MESSAGE_INVISIBLETIME: 200053, // 5.x
  NOTIFICATION: 200054, // 5.x
  POLLING_INFO: 200055, // 5.x
  POP_ROLLBACK: 200056, // 5.x (5.3.2+)
  BATCH_ACK_MESSAGE: 200151, // 5.x (5.1.3+)
} as const);

/** Any value of {@link RequestCode}. */
export type RequestCodeValue = (typeof RequestCode)[keyof typeof RequestCode];

/** The Java name of each request code, first declared name winning if a value had several. */
const namesByCode: ReadonlyMap<number, string> = (() => {
  const names = new Map<number, string>();
  for (const [name, code] of Object.entries(RequestCode)) {
    if (!names.has(code)) names.set(code, name);
  }
  return Object.freeze(names);
})();

/**
 * Returns the Java name of a request code (`310` → `'SEND_MESSAGE_V2'`), or `undefined` for a
 * number that is no RocketMQ request code. Meant for logs and error remarks.
 */
export function requestCodeName(code: number): string | undefined {
  return namesByCode.get(code);
}
