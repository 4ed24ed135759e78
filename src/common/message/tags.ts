// Owns: the tag hash stored as tagsCode in every ConsumeQueue entry and compared by broker-side
// tag filtering. No I/O.
// Counterpart: org.apache.rocketmq.common.message.MessageExtBrokerInner#tagsString2tagsCode.

import { javaStringHashCode } from './java-hash.js';

/**
 * The ConsumeQueue tagsCode of a message's `TAGS` value: Java `String.hashCode()` sign-extended to
 * a long, or 0 when there is no tag. Java ignores the topic filter type (SINGLE_TAG/MULTI_TAG)
 * here, so a multi-tag string hashes as one string too.
 *
 * SCHEDULE_TOPIC_XXXX entries carry the delivery timestamp instead; that is the store's business.
 */
export function tagsString2tagsCode(tags: string | null | undefined): number {
  if (tags === null || tags === undefined || tags.length === 0) return 0;
  return javaStringHashCode(tags);
}
