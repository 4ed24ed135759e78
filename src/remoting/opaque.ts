// Owns: the request id counter. One per server or client object, never module-wide.
// Counterpart: RemotingCommand.requestId (an AtomicInteger in Java).

const OPAQUE_MAX = 0x7fffffff;

export class OpaqueCounter {
  #value = 0;

  /** The next opaque; wraps to 0 after 2^31 - 1 so it always fits Java's int. */
  readonly next = (): number => {
    const v = this.#value;
    this.#value = v === OPAQUE_MAX ? 0 : v + 1;
    return v;
  };
}
