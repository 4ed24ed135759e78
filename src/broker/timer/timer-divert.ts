// Owns: the send path's one step for timer messages: a message asking for a later delivery time
// is parked in rmq_sys_wheel_timer instead of being stored to its topic, or refused when the
// request is not acceptable.
// Counterpart: org.apache.rocketmq.broker.util.HookUtils#handleScheduleMessage (the timer half),
// #checkIfTimerMessage and #transformTimerMessage (5.x).

import { getTransactionValue, MessageSysFlag } from '../../common/message/message-sys-flag.js';
import { encodeProperties, MessageConst } from '../../common/message/properties.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { MessageInput } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../topic/topic-config-manager.js';
import { asksForDeliveryTime, parkedMessage, PROPERTY_START_DELIVER_TIME, requestedDeliverMs, TIMER_TOPIC, timerOutMs } from './timer-message.js';

/**
 * Parks `messages[0]` in the timer topic when it asks for a delivery time later than now, and
 * answers the refusals Java answers (timers disabled, an unreadable time, a time beyond
 * timerMaxDelaySec, a cancel not in the future). Returns undefined to go on storing `messages`.
 * Batches are stored as they are: RocketMQ does not time batch messages.
 */
export function divertTimerMessage(ctx: BrokerContext, messages: MessageInput[], batch: boolean): RemotingCommand | undefined {
  if (batch || messages.length !== 1) return undefined;
  const msg = messages[0]!;
  if (!asksForDeliveryTime(msg.properties)) return undefined;
  const tranType = getTransactionValue(msg.sysFlag ?? 0);
  if (tranType !== MessageSysFlag.TRANSACTION_NOT_TYPE && tranType !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return undefined;
  // Already parked (a rolled message, or one sent straight to the system topic) or delivered. A
  // half message (its transaction bits reset) is timed when its commit is stored, not now.
  if (msg.topic === TIMER_TOPIC || msg.topic === RMQ_SYS_TRANS_HALF_TOPIC || msg.properties.has(MessageConst.PROPERTY_TIMER_OUT_MS)) return undefined;
  if (Number(msg.properties.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) ?? '0') > 0) {
    // A delay level wins: Java drops the timer properties and leaves the message to the delay levels.
    messages[0] = withoutTimerRequest(msg);
    return undefined;
  }
  const config = ctx.config;
  if (!config.timerWheelEnable) {
    return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `accurate timer message is not enabled, timerWheelEnable is ${config.timerWheelEnable}`);
  }
  const nowMs = ctx.now();
  const deliverMs = requestedDeliverMs(msg.properties, nowMs);
  if (deliverMs === undefined) return undefined;
  const isCancel = msg.properties.has(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY);
  if (deliverMs === 'illegal' || (deliverMs <= nowMs && isCancel) || (config.timerMaxDelaySec > 0 && deliverMs - nowMs > config.timerMaxDelaySec * 1000)) {
    return RemotingCommand.response(
      ResponseCode.MESSAGE_ILLEGAL,
      `timer message illegal, the delay time should not be bigger than the max delay ${config.timerMaxDelaySec * 1000}ms; ` +
        'or if set del msg, the delay time should be bigger than the current time',
    );
  }
  // A time already past is an ordinary message (Java stores it to its topic at once).
  if (deliverMs <= nowMs) return undefined;
  messages[0] = parkedMessage(msg, timerOutMs(deliverMs, config.timerPrecisionMs));
  return undefined;
}

function withoutTimerRequest(msg: MessageInput): MessageInput {
  const properties = new Map(msg.properties);
  properties.delete(MessageConst.PROPERTY_TIMER_DELIVER_MS);
  properties.delete(MessageConst.PROPERTY_TIMER_DELAY_SEC);
  properties.delete(MessageConst.PROPERTY_TIMER_DELAY_MS);
  properties.delete(PROPERTY_START_DELIVER_TIME);
  return { ...msg, properties, propertiesString: encodeProperties(properties) };
}
