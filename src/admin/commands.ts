// Owns: the list of `rocketmq-ts admin` commands, in the order `admin --help` shows them.
// Counterpart: MQAdminStartup#initCommand (4.9.8).

import { brokerStatus } from './broker-status.js';
import { clusterList } from './cluster-list.js';
import type { AdminCommand } from './command.js';
import { consumeMessage } from './consume-message.js';
import { consumerConnection } from './consumer-connection.js';
import { consumerProgress } from './consumer-progress.js';
import { deleteSubGroup } from './delete-sub-group.js';
import { deleteTopic } from './delete-topic.js';
import { getBrokerConfig } from './get-broker-config.js';
import { producerConnection } from './producer-connection.js';
import { queryMsgById } from './query-msg-by-id.js';
import { queryMsgByKey } from './query-msg-by-key.js';
import { queryMsgByOffset } from './query-msg-by-offset.js';
import { queryMsgByUniqueKey } from './query-msg-by-unique-key.js';
import { resetOffsetByTime } from './reset-offset-by-time.js';
import { sendMessage } from './send-message.js';
import { topicList } from './topic-list.js';
import { topicRoute } from './topic-route.js';
import { topicStatus } from './topic-status.js';
import { updateBrokerConfig } from './update-broker-config.js';
import { updateSubGroup } from './update-sub-group.js';
import { updateTopic } from './update-topic.js';

export const ADMIN_COMMANDS: readonly AdminCommand[] = Object.freeze([
  updateTopic,
  deleteTopic,
  topicList,
  topicRoute,
  topicStatus,
  updateSubGroup,
  deleteSubGroup,
  updateBrokerConfig,
  getBrokerConfig,
  brokerStatus,
  clusterList,
  consumerProgress,
  consumerConnection,
  producerConnection,
  queryMsgById,
  queryMsgByKey,
  queryMsgByUniqueKey,
  queryMsgByOffset,
  sendMessage,
  consumeMessage,
  resetOffsetByTime,
]);
