// Owns: the two pieces of Java's hashing that leak into RocketMQ's bytes. `String.hashCode`
// becomes the ConsumeQueue tagsCode and the IndexFile keyHash; `HashMap` iteration order decides
// the key order of every properties string a Java broker or client writes. No I/O.
// Counterpart: java.lang.String#hashCode, java.util.HashMap (JDK 8+ bucket layout).

/**
 * Java's `String.hashCode()`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 code units, in 32-bit
 * two's complement. JavaScript strings are UTF-16 too, so `charCodeAt` sees the same units.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const HASHMAP_CAPACITY_DEFAULT = 16;
const HASHMAP_LOAD_FACTOR = 0.75;

/**
 * The table size of a `new HashMap<>()` after `size` successive puts: it starts at 16 and doubles
 * each time the size passes three quarters of the table.
 */
export function javaHashMapCapacity(size: number): number {
  let capacity = HASHMAP_CAPACITY_DEFAULT;
  while (size > capacity * HASHMAP_LOAD_FACTOR) capacity *= 2;
  return capacity;
}

/**
 * The order in which a Java `HashMap` holding `keys` (given in insertion order, no duplicates)
 * iterates them: by bucket `(h ^ h >>> 16) & (capacity - 1)`, and in insertion order within a
 * bucket (a resize splits buckets without reordering them).
 *
 * `capacity` defaults to the table a map grown by successive puts from the default constructor
 * has, which is how RocketMQ builds message properties (`string2messageProperties`, then
 * `putProperty`). A map that had keys removed keeps its larger table: pass it explicitly.
 *
 * Not modelled: a bucket of eight or more colliding keys in a table of 64 or more becomes a tree
 * whose iteration order can differ. Properties never come near that.
 */
export function javaHashMapOrder(keys: readonly string[], capacity = javaHashMapCapacity(keys.length)): string[] {
  const mask = capacity - 1;
  const buckets = new Array<number>(keys.length);
  const order = new Array<number>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const h = javaStringHashCode(keys[i] as string);
    buckets[i] = (h ^ (h >>> 16)) & mask;
    order[i] = i;
  }
  // Sort indexes by bucket; ties keep insertion order (Array.prototype.sort is stable).
  order.sort((a, b) => (buckets[a] as number) - (buckets[b] as number));
  return order.map((i) => keys[i] as string);
}
