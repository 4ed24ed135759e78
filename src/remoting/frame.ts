// Owns: cutting a TCP byte stream into remoting frames, whatever the split of the stream.
// Counterpart: org.apache.rocketmq.remoting.netty.NettyDecoder (a LengthFieldBasedFrameDecoder).
//
// Frame layout (big-endian):
//
//   0        4            8                8+headerLength          4+length
//   +--------+------------+----------------+-----------------------+
//   | length | headerWord | header         | body                  |
//   +--------+------------+----------------+-----------------------+
//   length     = bytes after this field = 4 + headerLength + bodyLength
//   headerWord = serializeType << 24 | headerLength   (0 JSON, 1 ROCKETMQ)
//
// The decoder hands out each frame as a slice *after* the length field (headerWord first), without
// copying when the frame sits inside one chunk (or, to connections, as the range of the chunk it
// sits in, which spares a Buffer object per frame). It copies once, into one buffer of its own
// size, only a frame that spans chunks.

export const FRAME_LENGTH_FIELD_BYTES = 4;
export const HEADER_WORD_BYTES = 4;
/** Java's default `com.rocketmq.remoting.frameMaxLength`. */
export const FRAME_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;
const HEADER_LENGTH_MASK = 0x00ffffff;

/** A frame that can never be valid: the connection it arrived on must be closed. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export type FrameHandler = (frame: Buffer) => void;
/** Receives a frame as `buf[start, end)`: the header word first, the length field left out. */
export type FrameRangeHandler = (buf: Buffer, start: number, end: number) => void;

export class FrameDecoder {
  readonly #frameBytesMax: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Total bytes (length field included) of the frame being collected, or -1 when not yet known. */
  #needed = -1;

  constructor(frameBytesMax = FRAME_BYTES_MAX_DEFAULT) {
    this.#frameBytesMax = frameBytesMax;
  }

  /** Bytes held back while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Feeds one chunk of the stream; calls `onFrame` for every complete frame, in order.
   * Throws FrameError on bytes that cannot be a frame; the decoder is unusable afterwards.
   */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    this.pushRanges(chunk, (buf, start, end) => onFrame(buf.subarray(start, end)));
  }

  /** As push(), handing out each frame as a range of a buffer instead of a slice. */
  pushRanges(chunk: Buffer, onFrame: FrameRangeHandler): void {
    if (this.#buffered === 0) {
      this.#parse(chunk, 0, onFrame);
      return;
    }
    const held = this.#buffered;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#needed === -1) {
      if (this.#buffered < FRAME_LENGTH_FIELD_BYTES) return;
      this.#needed = FRAME_LENGTH_FIELD_BYTES + this.#checkLength(this.#peekInt32());
    }
    if (this.#buffered < this.#needed) return;
    // Only the frame that spans chunks is joined; the frames after it are read from the chunk in
    // place (joining the whole chunk copied every byte received once more).
    const fromChunk = this.#needed - held;
    this.#chunks[this.#chunks.length - 1] = chunk.subarray(0, fromChunk);
    const joined = Buffer.concat(this.#chunks, this.#needed);
    this.#chunks = [];
    this.#buffered = 0;
    this.#needed = -1;
    this.#parse(joined, 0, onFrame);
    this.#parse(chunk, fromChunk, onFrame);
  }

  #parse(buf: Buffer, from: number, onFrame: FrameRangeHandler): void {
    let pos = from;
    const end = buf.length;
    while (end - pos >= FRAME_LENGTH_FIELD_BYTES) {
      const length = this.#checkLength(int32At(buf, pos));
      if (end - pos - FRAME_LENGTH_FIELD_BYTES < length) break;
      const start = pos + FRAME_LENGTH_FIELD_BYTES;
      checkHeaderWord(int32At(buf, start), length);
      pos = start + length;
      onFrame(buf, start, pos);
    }
    if (pos < end) {
      const rest = buf.subarray(pos);
      this.#chunks = [rest];
      this.#buffered = rest.length;
      this.#needed =
        rest.length >= FRAME_LENGTH_FIELD_BYTES
          ? FRAME_LENGTH_FIELD_BYTES + this.#checkLength(rest.readInt32BE(0))
          : -1;
    }
  }

  #peekInt32(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.#chunks, this.#buffered).readInt32BE(0);
  }

  #checkLength(length: number): number {
    if (length < HEADER_WORD_BYTES) {
      throw new FrameError(`frame length ${length} is below the ${HEADER_WORD_BYTES}-byte minimum`);
    }
    if (length > this.#frameBytesMax) {
      throw new FrameError(`frame length ${length} exceeds the ${this.#frameBytesMax}-byte bound`);
    }
    return length;
  }
}

/** Big-endian int32 at `pos`, which the caller has checked lies within `buf` (Buffer#readInt32BE checks again). */
function int32At(buf: Buffer, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

/** Validates the header word against the frame length: serialization type and header bound. */
export function checkHeaderWord(headerWord: number, frameLength: number): void {
  const serializeType = (headerWord >>> 24) & 0xff;
  if (serializeType > 1) throw new FrameError(`unknown serialization type ${serializeType}`);
  const headerLength = headerWord & HEADER_LENGTH_MASK;
  if (headerLength > frameLength - HEADER_WORD_BYTES) {
    throw new FrameError(
      `header length ${headerLength} exceeds the frame (${frameLength - HEADER_WORD_BYTES} bytes after the header word)`,
    );
  }
}

export function headerLengthOf(headerWord: number): number {
  return headerWord & HEADER_LENGTH_MASK;
}
