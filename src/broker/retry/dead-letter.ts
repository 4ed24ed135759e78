// Owns: the dead-letter queue of a consumer group (%DLQ%<group>): its topic, and when a message
// sent to a group's %RETRY% topic has been retried enough and goes there instead.
// Counterpart: org.apache.rocketmq.broker.processor.SendMessageProcessor#handleRetryAndDLQ and the
// DLQ branch of #asyncConsumerSendMsgBack, 4.9.8 (DLQ_NUMS_PER_GROUP from
// AbstractSendMessageProcessor).

import { PermName, type TopicConfig } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { VERSION_MAX_RECONSUME_TIMES_MIN } from '../../remoting/requests/retry.js';
import type { MessageInput } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import type { SubscriptionGroupConfig } from '../subscription/subscription-group-manager.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../topic/topic-config-manager.js';

/** One queue per group's dead-letter topic, as Java. */
export const DLQ_NUMS_PER_GROUP = 1;

/**
 * Perm of a dead-letter topic. Compat: 4.9.8 creates it readable and writable (older releases made
 * it write-only), so admin tools and a consumer that subscribes to it can read what landed there.
 */
export const DLQ_PERM = PermName.PERM_READ | PermName.PERM_WRITE;

const FAQ = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

export function retryTopicOf(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopicOf(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

/** The group's dead-letter topic, created (1 queue, DLQ_PERM) when missing. */
export function ensureDeadLetterTopic(ctx: BrokerContext, group: string): TopicConfig {
  return ctx.topics.createTopicInSendMessageBackMethod(dlqTopicOf(group), DLQ_NUMS_PER_GROUP, DLQ_PERM, 0);
}

/** Java's answer when a send-back or retry-topic send names a group that does not exist. */
export function subscriptionGroupNotExist(group: string): RemotingCommand {
  return RemotingCommand.response(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group} ${FAQ}`);
}

/**
 * How often a group's message may be consumed again before it is dead: the group's retryMaxTimes,
 * or what the client says, when the client is new enough that Java would listen to it.
 */
export function maxReconsumeTimesOf(group: SubscriptionGroupConfig, clientVersion: number, requested: number | undefined): number {
  return clientVersion >= VERSION_MAX_RECONSUME_TIMES_MIN && requested !== undefined ? requested : group.retryMaxTimes;
}

/**
 * Java's handleRetryAndDLQ for a plain send to a %RETRY% topic (ali-ons and the Java client send
 * that way when CONSUMER_SEND_MSG_BACK fails): a message already consumed maxReconsumeTimes times
 * goes to the group's dead-letter topic instead. Rewrites `messages` in place; returns the refusal
 * to answer, or undefined. Batches are not looked at (Java's batch path has no such step).
 *
 * Compat: Java sets DELAY=0 here and then replaces all properties with the client's, so a DELAY
 * the client sent still applies (the message waits, then lands in the DLQ); so it does here.
 */
export function redirectExhaustedRetry(
  ctx: BrokerContext,
  send: { topic: string; reconsumeTimes?: number; maxReconsumeTimes?: number },
  clientVersion: number,
  messages: MessageInput[],
  batch: boolean,
): RemotingCommand | undefined {
  if (batch || !send.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return undefined;
  const groupName = send.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  const group = ctx.subscriptionGroups.findOrCreate(groupName);
  if (group === undefined) return subscriptionGroupNotExist(groupName);
  const maxReconsumeTimes = maxReconsumeTimesOf(group, clientVersion, send.maxReconsumeTimes);
  if ((send.reconsumeTimes ?? 0) < maxReconsumeTimes) return undefined;
  const dlq = ensureDeadLetterTopic(ctx, groupName);
  for (let i = 0; i < messages.length; i++) {
    messages[i] = { ...messages[i]!, topic: dlq.topicName, queueId: Math.floor(Math.random() * DLQ_NUMS_PER_GROUP) };
  }
  ctx.logger.debug({ group: groupName, reconsumeTimes: send.reconsumeTimes, maxReconsumeTimes }, 'retry-topic send goes to the dead-letter queue');
  return undefined;
}
