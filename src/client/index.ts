// Owns: the public surface of `rocketmq-ts/client`: what a Node.js application imports.
// Each role adds its exports here.

export type { ClientConfig } from './client-config.js';
export type { Message, MessageQueue, ReceivedMessage } from './message.js';
export { MQError } from '../common/mq-error.js';
export {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateConsistentHash,
  type AllocateStrategy,
} from './consumer/allocate.js';
