// Quick start: with `npm start` running, `node examples/quickstart.mjs` creates a topic, sends a
// message with the unmodified ali-ons client (a RocketMQ 4.x Node client) and receives it back.
// NAMESRV_ADDR and BROKER_ADDR override the defaults of `rocketmq-ts dev`.
import { createRequire } from 'node:module';
import { RemotingClient } from '../dist/src/remoting/client.js';
import { RemotingCommand } from '../dist/src/remoting/remoting-command.js';

const { Producer, Consumer, Message } = createRequire(import.meta.url)('ali-ons');
const nameSrv = process.env.NAMESRV_ADDR ?? '127.0.0.1:9876';
const brokerAddr = process.env.BROKER_ADDR ?? '127.0.0.1:10911';

// ali-ons cannot create topics: UPDATE_AND_CREATE_TOPIC (17) to the broker does.
const admin = new RemotingClient();
const created = await admin.invokeSync(
  brokerAddr,
  RemotingCommand.request(17, { topic: 'QuickStart', defaultTopic: 'TBW102', readQueueNums: '4', writeQueueNums: '4', perm: '6', topicFilterType: 'SINGLE_TAG' }),
  3000,
);
admin.shutdown();
if (created.code !== 0) throw new Error(`create topic: ${created.remark}`);
await new Promise((r) => setTimeout(r, 300)); // the broker registers the new topic with the NameServer

const httpclient = { request: async () => ({}) }; // ali-ons requires one; unused with nameSrv
const producer = new Producer({ httpclient, nameSrv, producerGroup: 'PID_quickstart' });
await producer.ready();
const msg = new Message('QuickStart', 'TagA', `hello at ${new Date().toISOString()}`);
msg.keys = ['order-1'];
const sent = await producer.send(msg);
console.log('sent', sent.sendStatus, sent.msgId);

const consumer = new Consumer({ httpclient, nameSrv, consumerGroup: 'CID_quickstart', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
const received = new Promise((resolve) => {
  consumer.subscribe('QuickStart', 'TagA || TagB', async (m) => {
    if (m.msgId === sent.msgId) resolve(m);
  });
});
await consumer.ready();
const m = await received;
console.log('received', m.keys, m.tags, m.body.toString());
await consumer.close();
await producer.close();
process.exit(0); // ali-ons keeps timers running after close()
