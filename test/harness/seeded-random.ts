// Owns: the seeded random source for randomised tests. A test prints its seed and replays with
// SEED=<n>.

/** mulberry32: small, fast, and good enough to pick split points and sizes. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from SEED, or a fresh one; logged so a failure can be replayed. */
export function testSeed(label: string): number {
  const fromEnv = process.env['SEED'];
  const seed = fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 0xffffffff);
  process.stdout.write(`# ${label}: SEED=${seed}\n`);
  return seed;
}
