// Owns: staging outgoing frames until their connection writes them to its socket.
// Counterpart: Netty's pooled ByteBuf allocator together with the ChannelOutboundBuffer.
//
// Frames are encoded straight into a slab, a large buffer shared by the connections of one
// server or client (OutboundArena). Each connection (OutboundQueue) owns the run of the slab it
// wrote last: the frames it stages within one event-loop turn sit back to back, and leave in one
// socket write of one slice of the slab, with no buffer per frame and no copy to join them.
//
//   slab: | written out earlier | conn A: frame frame frame | conn B: frame | free ...        |
//                                ^ A's region               ^ B's region   ^ pos
//
// When another connection starts writing into the slab, the previous owner's region is closed
// and kept as a chunk: its next frames start a new region, and its write becomes a writev.
//
// Bytes handed to a socket must stay as they are until the socket has taken them. Each slab counts
// its regions not yet taken (closed, then written, then reported done by the socket's write
// callback). A full slab is written over from the start only when that count is zero; otherwise
// the arena moves to its spare slab, or to a new one, and the old slab is left to the garbage
// collector. Reusing two slabs instead of allocating one every few hundred frames matters: V8
// answers a stream of large buffer allocations with frequent full garbage collections.

import type { Writable } from 'node:stream';

/** Size of a slab; a frame larger than this gets a slab of its own size, used once. */
export const SLAB_BYTES = 256 * 1024;
/**
 * Bodies up to this size are copied next to their header, so a batch of small frames is one
 * contiguous slice; larger bodies (pull results) are written as they are, without a copy.
 */
export const BODY_COPY_BYTES_MAX = 16 * 1024;

class Slab {
  readonly buf: Buffer;
  /** Regions of this slab closed and not yet taken by their socket. */
  outstanding = 0;
  readonly release = (): void => {
    this.outstanding--;
  };

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafeSlow(bytes);
  }
}

/** The slabs the queues of one server or client write into. */
export class OutboundArena {
  current: Slab | null = null;
  spare: Slab | null = null;
  /** The first free byte of the current slab. */
  pos = 0;
  /** The queue whose open region ends at `pos`, if any. */
  owner: OutboundQueue | null = null;

  /** Makes a slab with at least `bytes` free the current one; the caller has closed every open region. */
  replace(bytes: number): void {
    const current = this.current;
    if (current !== null && current.outstanding === 0 && current.buf.length >= bytes) {
      this.pos = 0;
      return;
    }
    const spare = this.spare;
    if (spare !== null && spare.outstanding === 0 && spare.buf.length >= bytes) {
      this.spare = current;
      this.current = spare;
      this.pos = 0;
      return;
    }
    const fresh = new Slab(Math.max(SLAB_BYTES, bytes));
    // Only slabs of the usual size are kept around; an outsized one is used for one frame.
    if (current !== null && current.buf.length === SLAB_BYTES) this.spare = current;
    this.current = fresh;
    this.pos = 0;
  }
}

/** The frames of one connection waiting for its next socket write. */
export class OutboundQueue {
  readonly #arena: OutboundArena;
  /** Slices and bodies ready to write, in order, before the open region. */
  #chunks: Buffer[] = [];
  /** The slab of each chunk (null for a body queued as it is). */
  #chunkSlabs: (Slab | null)[] = [];
  /** Where this queue's open region starts in the current slab, or -1 when none is open. */
  #regionStart = -1;

  constructor(arena: OutboundArena) {
    this.#arena = arena;
  }

  /** Whether nothing is waiting to be written. */
  get isEmpty(): boolean {
    return this.#chunks.length === 0 && (this.#regionStart < 0 || this.#arena.pos === this.#regionStart);
  }

  /**
   * Returns a buffer with at least `bytes` free from `position`, where this queue's frames
   * continue. Write there, then commit() the end of what was written.
   */
  reserve(bytes: number): Buffer {
    const arena = this.#arena;
    const owner = arena.owner;
    if (owner !== this) {
      if (owner !== null) owner.#closeRegion();
      arena.owner = this;
    }
    let slab = arena.current;
    if (slab === null || slab.buf.length - arena.pos < bytes) {
      this.#closeRegion();
      arena.replace(bytes);
      arena.owner = this;
      slab = arena.current!;
    }
    if (this.#regionStart < 0) this.#regionStart = arena.pos;
    return slab.buf;
  }

  /** Where the reserved bytes start; valid right after reserve(). */
  get position(): number {
    return this.#arena.pos;
  }

  /** Marks the buffer up to `end` as written by this queue; `end` lies within what reserve() gave. */
  commit(end: number): void {
    this.#arena.pos = end;
  }

  /** Queues `buf` after everything staged so far, without copying it; it must not change until written. */
  appendUncopied(buf: Buffer): void {
    this.#closeRegion();
    this.#chunks.push(buf);
    this.#chunkSlabs.push(null);
  }

  /**
   * Writes everything staged to `socket`: one write when it is one slice (the usual case), one
   * writev otherwise; `onWritten` runs once the socket has taken all of it (or failed). Returns
   * false, and never calls `onWritten`, when nothing was staged.
   */
  writeTo(socket: Writable, onWritten: () => void): boolean {
    this.#closeRegion();
    const chunks = this.#chunks;
    const slabs = this.#chunkSlabs;
    const last = chunks.length - 1;
    if (last < 0) return false;
    this.#chunks = [];
    this.#chunkSlabs = [];
    const lastSlab = slabs[last] ?? null;
    const onLastWritten = (): void => {
      lastSlab?.release();
      onWritten();
    };
    if (last === 0) {
      socket.write(chunks[0]!, onLastWritten);
      return true;
    }
    socket.cork();
    for (let i = 0; i < last; i++) socket.write(chunks[i]!, slabs[i]?.release);
    socket.write(chunks[last]!, onLastWritten);
    socket.uncork();
    return true;
  }

  /** Drops everything staged (the connection closed). */
  clear(): void {
    this.#closeRegion();
    for (const slab of this.#chunkSlabs) slab?.release();
    this.#chunks = [];
    this.#chunkSlabs = [];
  }

  #closeRegion(): void {
    const arena = this.#arena;
    if (this.#regionStart >= 0) {
      const slab = arena.current!;
      if (arena.pos > this.#regionStart) {
        this.#chunks.push(slab.buf.subarray(this.#regionStart, arena.pos));
        this.#chunkSlabs.push(slab);
        slab.outstanding++;
      }
      this.#regionStart = -1;
    }
    if (arena.owner === this) arena.owner = null;
  }
}
