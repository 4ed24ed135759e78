// Owns: how admin commands show one message in full (queryMsgById, queryMsgByUniqueKey,
// queryMsgByOffset) and in one line (consumeMessage), and how a body is shown as text.
// Counterpart: QueryMsgByIdSubCommand#printMsg and PrintMessageByQueueCommand#printMessage (4.9.8).
//
// Java writes the body to /tmp/rocketmq/msgbodys/<msgId> and prints the path; we print the body
// itself (as UTF-8 text, or base64 when it is not text), so the output says everything.

import type { ReceivedMessage } from '../client/message.js';
import { humanTimeMs } from './time-format.js';

const LABEL_WIDTH = 20;

/** The body as UTF-8 text when it is text (no control characters but tab and newlines), else base64. */
export function bodyText(body: Buffer): string {
  const text = body.toString('utf8');
  // Control characters (other than tab, CR, LF) mean bytes, not text.
  const binary = text.includes('\uFFFD') || /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text);
  return binary ? `(${body.length} bytes, base64) ${body.toString('base64')}` : text;
}

function propertiesText(properties: ReadonlyMap<string, string>): string {
  return `{${[...properties].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** The detail lines of one message, labels padded as mqadmin's "%-20s %s". */
export function messageDetail(msg: ReceivedMessage): string[] {
  const line = (label: string, value: string | number): string => `${label.padEnd(LABEL_WIDTH)} ${value}`;
  return [
    line('OffsetID:', msg.offsetMsgId),
    line('Message ID:', msg.msgId),
    line('Topic:', msg.topic),
    line('Tags:', `[${msg.tags ?? 'null'}]`),
    line('Keys:', `[${msg.keys.length > 0 ? msg.keys.join(' ') : 'null'}]`),
    line('Broker Name:', msg.brokerName),
    line('Queue ID:', msg.queueId),
    line('Queue Offset:', msg.queueOffset),
    line('CommitLog Offset:', msg.commitLogOffset),
    line('Reconsume Times:', msg.reconsumeTimes),
    line('Born Timestamp:', humanTimeMs(msg.bornTimestamp)),
    line('Store Timestamp:', humanTimeMs(msg.storeTimestamp)),
    line('Born Host:', msg.bornHost),
    line('Store Host:', msg.storeHost),
    line('System Flag:', msg.sysFlag),
    line('Properties:', propertiesText(msg.properties)),
    line('Message Body:', bodyText(msg.body)),
  ];
}

/** One line per consumed message. */
export function messageLine(msg: ReceivedMessage): string {
  return (
    `MSGID: ${msg.msgId} QUEUE: ${msg.brokerName}/${msg.queueId} OFFSET: ${msg.queueOffset}` +
    ` TAGS: ${msg.tags ?? ''} KEYS: ${msg.keys.join(' ')} STORED: ${humanTimeMs(msg.storeTimestamp)} BODY: ${bodyText(msg.body)}`
  );
}
