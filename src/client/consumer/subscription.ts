// Owns: parsing a tag subscription expression ("TagA || TagB", "*") into the SubscriptionData a
// heartbeat carries and the pull request's filter, and the client-side tag check on pulled messages.
// Counterpart: org.apache.rocketmq.common.filter.FilterAPI#buildSubscriptionData (4.9.8).

import { javaStringHashCode } from '../../common/message/java-hash.js';
import { EXPRESSION_TYPE_TAG, SUB_ALL, type SubscriptionData } from '../../remoting/requests/client.js';

export function buildSubscriptionData(topic: string, expression: string | undefined, nowMs = Date.now()): SubscriptionData {
  const subString = expression === undefined || expression.trim() === '' || expression.trim() === SUB_ALL ? SUB_ALL : expression.trim();
  const tagsSet: string[] = [];
  const codeSet: number[] = [];
  if (subString !== SUB_ALL) {
    for (const raw of subString.split('||')) {
      const tag = raw.trim();
      if (tag === '' || tagsSet.includes(tag)) continue;
      tagsSet.push(tag);
      codeSet.push(javaStringHashCode(tag));
    }
  }
  return { topic, subString, classFilterMode: false, tagsSet, codeSet, subVersion: nowMs, expressionType: EXPRESSION_TYPE_TAG };
}

/** Whether a message with these tags passes the subscription (Java re-checks on the client: tag hashes can collide). */
export function tagMatches(sub: SubscriptionData, tags: string | undefined): boolean {
  if (sub.subString === SUB_ALL || sub.tagsSet.length === 0) return true;
  return tags !== undefined && sub.tagsSet.includes(tags);
}
