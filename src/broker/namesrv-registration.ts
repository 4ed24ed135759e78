// Owns: telling every NameServer about this broker: REGISTER_BROKER at start, every
// registerNameServerPeriod and after topic changes (with the topic configs and their data
// version), UNREGISTER_BROKER on a clean shutdown.
// Counterpart: BrokerController.registerBrokerAll + BrokerOuterAPI.registerBrokerAll / unregisterBrokerAll.

import type { Logger } from 'pino';
import { crc32 } from '../common/crc32.js';
import { encodeRegisterBrokerBody, type TopicConfigSerializeWrapper } from '../common/topic-config.js';
import { RequestCode } from '../remoting/codes/request-code.js';
import { ResponseCode } from '../remoting/codes/response-code.js';
import type { RemotingClient } from '../remoting/client.js';
import { RemotingCommand } from '../remoting/remoting-command.js';
import { RegisterBroker, UnregisterBroker } from '../remoting/requests/namesrv.js';

export interface RegistrationOptions {
  client: RemotingClient;
  namesrvAddrs: () => string[];
  clusterName: string;
  brokerName: string;
  brokerId: number;
  brokerAddr: string;
  haServerAddr: string;
  timeoutMs: number;
  periodMs: number;
  topics: () => TopicConfigSerializeWrapper;
  logger: Logger;
  /** A slave learns its master from the answers. */
  onMasterAddr?: (masterAddr: string, haServerAddr: string) => void;
}

export class NamesrvRegistration {
  readonly #options: RegistrationOptions;
  #timer: NodeJS.Timeout | null = null;
  #pending = false;

  constructor(options: RegistrationOptions) {
    this.#options = options;
  }

  start(): Promise<void> {
    this.#timer = setInterval(() => void this.registerAll(), this.#options.periodMs);
    this.#timer.unref();
    return this.registerAll();
  }

  /** Registers with every NameServer in parallel; failures are logged (the next period retries). */
  async registerAll(): Promise<void> {
    const o = this.#options;
    const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: o.topics(), filterServerList: [] }, { compressed: false });
    const header = RegisterBroker.encode({
      brokerName: o.brokerName,
      brokerAddr: o.brokerAddr,
      clusterName: o.clusterName,
      haServerAddr: o.haServerAddr,
      brokerId: o.brokerId,
      compressed: false,
      bodyCrc32: crc32(body) & 0x7fffffff,
    });
    await Promise.all(
      o.namesrvAddrs().map(async (addr) => {
        try {
          const response = await o.client.invokeSync(addr, RemotingCommand.request(RequestCode.REGISTER_BROKER, { ...header }, body), o.timeoutMs);
          if (response.code !== ResponseCode.SUCCESS) {
            o.logger.warn({ namesrv: addr, code: response.code, remark: response.remark }, 'register broker refused');
            return;
          }
          const result = RegisterBroker.decodeResponse(response);
          if (result.ok && result.value.masterAddr !== undefined) o.onMasterAddr?.(result.value.masterAddr, result.value.haServerAddr ?? '');
        } catch (err) {
          o.logger.warn({ namesrv: addr, err: (err as Error).message }, 'register broker failed');
        }
      }),
    );
  }

  /** Registers soon, coalescing bursts of topic changes into one registration. */
  requestRegistration(): void {
    if (this.#pending) return;
    this.#pending = true;
    setImmediate(() => {
      this.#pending = false;
      void this.registerAll();
    });
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const o = this.#options;
    const header = UnregisterBroker.encode({ brokerName: o.brokerName, brokerAddr: o.brokerAddr, clusterName: o.clusterName, brokerId: o.brokerId });
    await Promise.all(
      o.namesrvAddrs().map(async (addr) => {
        try {
          await o.client.invokeSync(addr, RemotingCommand.request(RequestCode.UNREGISTER_BROKER, { ...header }), o.timeoutMs);
        } catch (err) {
          o.logger.warn({ namesrv: addr, err: (err as Error).message }, 'unregister broker failed');
        }
      }),
    );
  }
}
