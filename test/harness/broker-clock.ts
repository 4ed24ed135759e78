// Owns: moving a broker process's clock (broker.conf clockOffsetMs, live) from a test, and reading
// back what a broker stored, for delay and retry tests that compress hours into seconds.
// Counterpart: none (test support).

import assert from 'node:assert/strict';
import { decodeMessageRecord, decodeMessageRecords, type MessageExt } from '../../src/common/message/message-record.js';
import { decodeOffsetMsgId } from '../../src/common/message/message-id.js';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import type { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { SendMessage } from '../../src/remoting/requests/send.js';
import { pullOne } from './broker-admin.js';

/**
 * A broker's clock as the test sees it: the broker runs on Date.now() + offset (same machine), and
 * the offset only moves through UPDATE_BROKER_CONFIG.
 */
export class BrokerClock {
  #offsetMs: number;

  constructor(
    readonly client: RemotingClient,
    readonly brokerAddr: string,
    offsetMs = 0,
  ) {
    this.#offsetMs = offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** The broker's time now. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  async setOffset(offsetMs: number): Promise<void> {
    const offset = Math.round(offsetMs);
    const response = await this.client.invokeSync(this.brokerAddr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`clockOffsetMs=${offset}\n`)), 5000);
    assert.equal(response.code, ResponseCode.SUCCESS, `UPDATE_BROKER_CONFIG clockOffsetMs: ${response.remark ?? ''}`);
    this.#offsetMs = offset;
  }

  async advance(ms: number): Promise<void> {
    await this.setOffset(this.#offsetMs + ms);
  }

  /** Moves the clock so the broker's time is `brokerTime` now; never backwards. */
  async advanceTo(brokerTime: number): Promise<void> {
    const offset = brokerTime - Date.now();
    if (offset > this.#offsetMs) await this.setOffset(offset);
  }
}

/** The msgId (offsetMsgId) of a successful SEND_MESSAGE answer. */
export function msgIdOf(sent: RemotingCommand): string {
  const decoded = SendMessage.decodeResponse(sent);
  assert.ok(decoded.ok, `send answer ${sent.code}: ${sent.remark ?? ''}`);
  return decoded.value.msgId;
}

/** The record an offsetMsgId points at, read with VIEW_MESSAGE_BY_ID. */
export async function viewMessage(client: RemotingClient, brokerAddr: string, offsetMsgId: string): Promise<MessageExt> {
  const id = decodeOffsetMsgId(offsetMsgId);
  assert.ok(id !== undefined, `not an offsetMsgId: ${offsetMsgId}`);
  const response = await client.invokeSync(brokerAddr, RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(id.commitLogOffset) }), 5000);
  assert.equal(response.code, ResponseCode.SUCCESS, `VIEW_MESSAGE_BY_ID: ${response.remark ?? ''}`);
  return decodeMessageRecord(response.body!, 0);
}

/** Every message of one queue from `fromOffset` on, read with plain (non-suspended) pulls. */
export async function pullAll(client: RemotingClient, brokerAddr: string, topic: string, queueId: number, fromOffset = 0, group = 'CID_test_pull_all'): Promise<MessageExt[]> {
  const out: MessageExt[] = [];
  let offset = fromOffset;
  for (;;) {
    const response = await pullOne(client, brokerAddr, topic, queueId, offset, { group, maxMsgNums: 32 });
    if (response.code !== ResponseCode.SUCCESS) return out;
    const records = response.body === null ? [] : decodeMessageRecords(response.body);
    if (records.length === 0) return out;
    out.push(...records);
    offset = Number(response.extFields?.['nextBeginOffset'] ?? offset + records.length);
  }
}
