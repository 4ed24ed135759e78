// Owns: the NameServer's answers about brokers and routes: register/unregister, route lookups,
// cluster info, topic lists, topic deletion, write-permission switches, data-version queries.
// Counterpart: org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor / ClientRequestProcessor.

import type { Logger } from 'pino';
import { crc32 } from '../../common/crc32.js';
import { encodeClusterInfo, encodeKVTable, encodeTopicList, encodeTopicRouteData, STANDARD_JSON_BODY, wantsStandardJsonRoute } from '../../common/route-data.js';
import { decodeRegisterBrokerBody, readDataVersion, type RegisterBrokerBody } from '../../common/topic-config.js';
import { parseFastJson, toFastJson } from '../../common/fastjson.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import {
  AddWritePermOfBroker,
  BrokerHeartbeat,
  DeleteTopicInNamesrv,
  GetRouteInfoByTopic,
  GetTopicsByCluster,
  QueryDataVersion,
  RegisterBroker,
  UnregisterBroker,
  WipeWritePermOfBroker,
} from '../../remoting/requests/namesrv.js';
import type { RemotingServer } from '../../remoting/server.js';
import { type KvConfig, NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.js';
import type { RouteTable } from '../route-table.js';

export interface RouteHandlerDeps {
  routes: RouteTable;
  kv: KvConfig;
  logger: Logger;
  orderMessageEnable: () => boolean;
}

function ok(): RemotingCommand {
  return RemotingCommand.response(ResponseCode.SUCCESS);
}

export function registerRouteHandlers(server: RemotingServer, deps: RouteHandlerDeps): void {
  const { routes, kv, logger } = deps;

  server.registerHandler(
    RequestCode.REGISTER_BROKER,
    handleWith(RegisterBroker, (h, request, connection) => {
      const bodyCrc32 = h.bodyCrc32 ?? 0;
      if (bodyCrc32 !== 0 && request.body !== null && (crc32(request.body) & 0x7fffffff) !== bodyCrc32) {
        logger.warn({ brokerAddr: h.brokerAddr }, 'register broker body crc32 mismatch');
        return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, 'crc32 not match');
      }
      let body: RegisterBrokerBody | null = null;
      if (request.body !== null) {
        try {
          body = decodeRegisterBrokerBody(request.body, h.compressed ?? false);
        } catch (err) {
          return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `Failed to decode RegisterBrokerBody: ${(err as Error).message}`);
        }
      }
      const known = routes.brokerDataVersion(h.brokerAddr) !== undefined;
      const result = routes.registerBroker({
        clusterName: h.clusterName,
        brokerAddr: h.brokerAddr,
        brokerName: h.brokerName,
        brokerId: h.brokerId,
        haServerAddr: h.haServerAddr,
        topicConfigWrapper: body?.topicConfigSerializeWrapper ?? null,
        filterServerList: body?.filterServerList ?? [],
        connection,
        ...(h.heartbeatTimeoutMillis !== undefined ? { expiryMs: h.heartbeatTimeoutMillis } : {}),
      });
      if (!known) {
        logger.info({ brokerAddr: h.brokerAddr, brokerName: h.brokerName, brokerId: h.brokerId, clusterName: h.clusterName }, 'broker registered');
      }
      const response = ok();
      response.extFields = RegisterBroker.encodeResponse(result);
      const orderConf = kv.list(NAMESPACE_ORDER_TOPIC_CONFIG);
      if (orderConf !== undefined) response.body = encodeKVTable({ table: orderConf });
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.UNREGISTER_BROKER,
    handleWith(UnregisterBroker, (h) => {
      routes.unregisterBroker(h.clusterName, h.brokerAddr, h.brokerName, h.brokerId);
      logger.info({ brokerAddr: h.brokerAddr, brokerName: h.brokerName }, 'broker unregistered');
      return ok();
    }),
  );

  server.registerHandler(
    RequestCode.GET_ROUTEINFO_BY_TOPIC,
    handleWith(GetRouteInfoByTopic, (h, request) => {
      const route = routes.pickupTopicRouteData(h.topic);
      if (route === null) {
        return RemotingCommand.response(
          ResponseCode.TOPIC_NOT_EXIST,
          `No topic route info in name server for the topic: ${h.topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details.`,
        );
      }
      if (deps.orderMessageEnable()) {
        const orderTopicConf = kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, h.topic);
        if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
      }
      const response = ok();
      // Compat: like Java, old clients (version < V4_9_4) get fastjson's unquoted numeric keys.
      const standard = wantsStandardJsonRoute(request.version, h.acceptStandardJsonOnly ?? false);
      response.body = encodeTopicRouteData(route, standard ? STANDARD_JSON_BODY : {});
      return response;
    }),
  );

  server.registerHandler(RequestCode.GET_BROKER_CLUSTER_INFO, () => {
    const response = ok();
    response.body = encodeClusterInfo(routes.clusterInfo());
    return response;
  });

  server.registerHandler(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, () => {
    const response = ok();
    response.body = encodeTopicList({ topicList: routes.allTopics() });
    return response;
  });

  server.registerHandler(
    RequestCode.GET_TOPICS_BY_CLUSTER,
    handleWith(GetTopicsByCluster, (h) => {
      const response = ok();
      response.body = encodeTopicList({ topicList: routes.topicsByCluster(h.cluster) });
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.DELETE_TOPIC_IN_NAMESRV,
    handleWith(DeleteTopicInNamesrv, (h) => {
      // Compat: like Java's deleteTopicInNamesrv, an empty clusterName means every cluster.
      routes.deleteTopic(h.topic, h.clusterName === '' ? undefined : h.clusterName);
      return ok();
    }),
  );

  server.registerHandler(
    RequestCode.WIPE_WRITE_PERM_OF_BROKER,
    handleWith(WipeWritePermOfBroker, (h) => {
      const response = ok();
      response.extFields = WipeWritePermOfBroker.encodeResponse({ wipeTopicCount: routes.wipeWritePermOfBroker(h.brokerName) });
      logger.info({ brokerName: h.brokerName }, 'write permission of broker wiped');
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.ADD_WRITE_PERM_OF_BROKER,
    handleWith(AddWritePermOfBroker, (h) => {
      const response = ok();
      response.extFields = AddWritePermOfBroker.encodeResponse({ addTopicCount: routes.addWritePermOfBroker(h.brokerName) });
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.QUERY_DATA_VERSION,
    handleWith(QueryDataVersion, (h, request) => {
      let changed = true;
      if (request.body !== null) {
        try {
          changed = routes.isBrokerTopicConfigChanged(h.brokerAddr, readDataVersion(parseFastJson(request.body.toString('utf8')), 'dataVersion'));
        } catch (err) {
          return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `bad DataVersion body: ${(err as Error).message}`);
        }
      }
      if (!changed) routes.touchBroker(h.brokerAddr);
      const response = ok();
      response.extFields = QueryDataVersion.encodeResponse({ changed });
      const current = routes.brokerDataVersion(h.brokerAddr);
      if (current !== undefined) response.body = Buffer.from(toFastJson(current));
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.BROKER_HEARTBEAT,
    handleWith(BrokerHeartbeat, (h) => {
      routes.touchBroker(h.brokerAddr, h.heartbeatTimeoutMills);
      return ok();
    }),
  );
}
