// Owns: the requests of one connection that await their response, found by opaque.
// Counterpart: the responseTable of NettyRemotingAbstract (opaque -> ResponseFuture).
//
// Opaques come from a counter, so the requests in flight on one connection carry nearby opaques,
// and a table indexed by the opaque's low bits finds each one without hashing, several times
// faster than a Map. Two requests in flight whose opaques share their low bits (one outlived
// SLOTS later requests, or the counter is shared with other connections of the same client) are
// both kept: the second goes to an overflow Map.

/** Slots of the direct table: requests in flight on one connection rarely span more opaques. */
const SLOTS = 1024;
const MASK = SLOTS - 1;

export class PendingRequests<T> {
  /** Allocated on first use: most server-side connections never send a request. */
  #values: (T | undefined)[] | null = null;
  #opaques: Int32Array | null = null;
  #overflow: Map<number, T> | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Records `value` for `opaque`, which must not be pending already. */
  add(opaque: number, value: T): void {
    let values = this.#values;
    let opaques = this.#opaques;
    if (values === null || opaques === null) {
      values = this.#values = new Array<T | undefined>(SLOTS).fill(undefined);
      opaques = this.#opaques = new Int32Array(SLOTS);
    }
    const slot = opaque & MASK;
    if (values[slot] === undefined) {
      values[slot] = value;
      opaques[slot] = opaque;
    } else {
      (this.#overflow ??= new Map()).set(opaque, value);
    }
    this.#size++;
  }

  /** Removes and returns the value pending for `opaque`, or undefined. */
  take(opaque: number): T | undefined {
    const values = this.#values;
    if (values === null) return undefined;
    const slot = opaque & MASK;
    const value = values[slot];
    if (value !== undefined && this.#opaques![slot] === opaque) {
      values[slot] = undefined;
      this.#size--;
      return value;
    }
    const overflow = this.#overflow;
    if (overflow === null) return undefined;
    const other = overflow.get(opaque);
    if (other !== undefined) {
      overflow.delete(opaque);
      this.#size--;
    }
    return other;
  }

  /** Removes every entry `remove` answers true for (it sees each entry once). */
  removeWhere(remove: (opaque: number, value: T) => boolean): void {
    const values = this.#values;
    if (values === null || this.#size === 0) return;
    const opaques = this.#opaques!;
    for (let slot = 0; slot < SLOTS; slot++) {
      const value = values[slot];
      if (value === undefined || !remove(opaques[slot]!, value)) continue;
      values[slot] = undefined;
      this.#size--;
    }
    const overflow = this.#overflow;
    if (overflow === null) return;
    for (const [opaque, value] of overflow) {
      if (!remove(opaque, value)) continue;
      overflow.delete(opaque);
      this.#size--;
    }
  }
}
