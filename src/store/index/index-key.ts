// Owns: what an IndexFile key is (`<topic>#<key>`) and its keyHash, computed straight from the
// topic and key strings so the dispatch hot path never concatenates or splits strings. No I/O.
// Counterpart: org.apache.rocketmq.store.index.IndexFile#indexKeyHashMethod and
// org.apache.rocketmq.store.index.IndexService#buildKey (4.9.8).
//
// keyHash = |String.hashCode(topic + "#" + key)|, and 0 when the hash is Integer.MIN_VALUE (whose
// Math.abs stays negative in Java). Java's String.hashCode is a left fold (h = 31·h + c), so the
// hash of a concatenation is the hash of its prefix continued over the suffix: the topic's part
// is computed once per message and continued over each key.

const INT32_MIN = -2147483648;
const HASH_SEPARATOR = '#'.charCodeAt(0);

/** The key stored in the index for `key` of `topic`, as Java spells it. */
export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

/** Java's `String.hashCode` of `prefix + s.substring(from, to)`, given `prefixHash` = hash of `prefix`. */
export function continueJavaHash(prefixHash: number, s: string, from: number, to: number): number {
  let h = prefixHash;
  for (let i = from; i < to; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java's `String.hashCode` of `topic + "#"`, the start every key of that topic continues from. */
export function topicKeyPrefixHash(topic: string): number {
  return (Math.imul(31, continueJavaHash(0, topic, 0, topic.length)) + HASH_SEPARATOR) | 0;
}

/** Maps a `String.hashCode` value to the non-negative keyHash stored in an entry. */
export function toIndexKeyHash(javaHash: number): number {
  // Compat: Java's Math.abs(Integer.MIN_VALUE) is negative, and IndexFile maps it to 0.
  return javaHash === INT32_MIN ? 0 : Math.abs(javaHash);
}

/** keyHash of a full index key (`<topic>#<key>`). */
export function indexKeyHash(indexKey: string): number {
  return toIndexKeyHash(continueJavaHash(0, indexKey, 0, indexKey.length));
}

/** keyHash of `<topic>#<key>` without building the string. */
export function topicKeyHash(topic: string, key: string): number {
  return toIndexKeyHash(continueJavaHash(topicKeyPrefixHash(topic), key, 0, key.length));
}
