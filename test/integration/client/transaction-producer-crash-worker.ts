// Owns: the producer process that dies mid-transaction in transaction-producer.test.ts: it starts a
// TransactionProducer, sends one transactional message whose local transaction answers UNKNOW,
// prints the result as one JSON line, and waits to be SIGKILLed. Checks it receives meanwhile are
// answered UNKNOW and printed too.
// Counterpart: none (test support).
//
// Usage: node transaction-producer-crash-worker.js '{"namesrvAddr":"...","group":"...","topic":"...","body":"..."}'

import { TransactionProducer } from '../../../src/client/index.js';

interface WorkerConfig {
  namesrvAddr: string;
  group: string;
  topic: string;
  body: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const print = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const producer = new TransactionProducer({
  namesrvAddr: config.namesrvAddr,
  producerGroup: config.group,
  instanceName: `tx-crash-${process.pid}`,
  pollNameServerIntervalMs: 1000,
  heartbeatBrokerIntervalMs: 1000,
});
producer.setTransactionListener({
  executeLocalTransaction: () => 'UNKNOW',
  checkLocalTransaction: (message) => {
    print({ event: 'check', transactionId: message.transactionId });
    return 'UNKNOW';
  },
});
await producer.start();
const result = await producer.sendMessageInTransaction({ topic: config.topic, body: config.body });
print({ event: 'sent', transactionId: result.transactionId, msgId: result.msgId, queueOffset: result.queueOffset, localTransactionState: result.localTransactionState });
// Stays up (the producer's timers are unref'd) until the test kills it.
setInterval(() => undefined, 60_000);
