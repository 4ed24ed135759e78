// Quick start with the project's own client: with `npm start` running, `node examples/client-quickstart.mjs`
// creates a topic, sends three messages with a Producer and receives them with a PushConsumer.
// NAMESRV_ADDR overrides the default of `rocketmq-ts dev`.
import { AdminClient, Producer, PushConsumer } from 'rocketmq-ts/client';

const namesrvAddr = process.env.NAMESRV_ADDR ?? '127.0.0.1:9876';

const admin = new AdminClient({ namesrvAddr });
await admin.start();
await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topicName: 'ClientQuickStart', readQueueNums: 4, writeQueueNums: 4 });
await admin.shutdown();

const producer = new Producer({ namesrvAddr, producerGroup: 'PID_client_quickstart' });
await producer.start();
const sent = new Set();
for (let i = 1; i <= 3; i++) {
  const result = await producer.send({ topic: 'ClientQuickStart', tags: 'TagA', keys: `order-${i}`, body: `hello ${i}` });
  console.log('sent', result.sendStatus, result.msgId, `queue ${result.messageQueue.queueId}`);
  sent.add(result.msgId);
}
await producer.shutdown();

const consumer = new PushConsumer({ namesrvAddr, consumerGroup: 'CID_client_quickstart', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
consumer.subscribe('ClientQuickStart', 'TagA');
const allReceived = new Promise((resolve) => {
  consumer.registerMessageListener(async (msgs) => {
    for (const m of msgs) {
      console.log('received', m.msgId, m.keys.join(','), m.body.toString());
      sent.delete(m.msgId);
    }
    if (sent.size === 0) resolve();
    return 'CONSUME_SUCCESS';
  });
});
await consumer.start();
await allReceived;
await consumer.shutdown();
console.log('done');
