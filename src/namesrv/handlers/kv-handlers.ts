// Owns: the NameServer's KV config requests.
// Counterpart: the *KVConfig branches of org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor.

import { encodeKVTable } from '../../common/route-data.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import { DeleteKvConfig, GetKvConfig, GetKvListByNamespace, PutKvConfig } from '../../remoting/requests/namesrv.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { KvConfig } from '../kv-config.js';

export function registerKvHandlers(server: RemotingServer, kv: KvConfig): void {
  server.registerHandler(
    RequestCode.PUT_KV_CONFIG,
    handleWith(PutKvConfig, (h) => {
      kv.put(h.namespace, h.key, h.value);
      return RemotingCommand.response(ResponseCode.SUCCESS);
    }),
  );

  server.registerHandler(
    RequestCode.GET_KV_CONFIG,
    handleWith(GetKvConfig, (h) => {
      const value = kv.get(h.namespace, h.key);
      if (value === undefined) {
        return RemotingCommand.response(ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.namespace} Key: ${h.key}`);
      }
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.extFields = GetKvConfig.encodeResponse({ value });
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.DELETE_KV_CONFIG,
    handleWith(DeleteKvConfig, (h) => {
      kv.delete(h.namespace, h.key);
      return RemotingCommand.response(ResponseCode.SUCCESS);
    }),
  );

  server.registerHandler(
    RequestCode.GET_KVLIST_BY_NAMESPACE,
    handleWith(GetKvListByNamespace, (h) => {
      const table = kv.list(h.namespace);
      if (table === undefined) return RemotingCommand.response(ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${h.namespace}`);
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.body = encodeKVTable({ table });
      return response;
    }),
  );
}
