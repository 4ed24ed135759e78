// Owns: topic administration on the broker: create/update, delete, list.
// Counterpart: AdminBrokerProcessor.updateAndCreateTopic / deleteTopic / getAllTopicConfig (4.9.8).

import { createTopicConfig, encodeTopicConfigWrapper } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import { CreateTopic, DeleteTopicInBroker } from '../../remoting/requests/admin.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { BrokerContext } from '../broker-context.js';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, validateTopicName } from '../topic/topic-config-manager.js';

export function registerTopicAdminHandlers(server: RemotingServer, ctx: BrokerContext): void {
  server.registerHandler(
    RequestCode.UPDATE_AND_CREATE_TOPIC,
    handleWith(CreateTopic, (h) => {
      const illegal = validateTopicName(h.topic);
      if (illegal !== undefined) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, illegal);
      if (h.topic === ctx.config.brokerClusterName || h.topic === AUTO_CREATE_TOPIC_KEY_TOPIC) {
        return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `The topic[${h.topic}] is conflict with system reserved words.`);
      }
      if (h.readQueueNums <= 0 || h.writeQueueNums <= 0) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, 'queue numbers must be positive');
      ctx.topics.upsert(
        createTopicConfig(h.topic, {
          readQueueNums: h.readQueueNums,
          writeQueueNums: h.writeQueueNums,
          perm: h.perm,
          topicFilterType: h.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG',
          topicSysFlag: h.topicSysFlag ?? 0,
          order: h.order ?? false,
        }),
      );
      return RemotingCommand.response(ResponseCode.SUCCESS);
    }),
  );

  server.registerHandler(
    RequestCode.DELETE_TOPIC_IN_BROKER,
    handleWith(DeleteTopicInBroker, (h) => {
      ctx.topics.delete(h.topic);
      ctx.store.deleteTopics([h.topic]);
      ctx.consumerOffsets.removeTopic(h.topic);
      return RemotingCommand.response(ResponseCode.SUCCESS);
    }),
  );

  server.registerHandler(RequestCode.GET_ALL_TOPIC_CONFIG, () => {
    const response = RemotingCommand.response(ResponseCode.SUCCESS);
    response.body = Buffer.from(encodeTopicConfigWrapper(ctx.topics.serializeWrapper()));
    return response;
  });
}
