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
// copying when the frame sits inside one chunk. It copies once, into one buffer, only when a frame
// spans chunks.

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
    if (this.#buffered === 0) {
      this.#parse(chunk, onFrame);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#needed === -1) {
      if (this.#buffered < FRAME_LENGTH_FIELD_BYTES) return;
      this.#needed = FRAME_LENGTH_FIELD_BYTES + this.#checkLength(this.#peekInt32());
    }
    if (this.#buffered < this.#needed) return;
    const joined = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    this.#needed = -1;
    this.#parse(joined, onFrame);
  }

  #parse(buf: Buffer, onFrame: FrameHandler): void {
    let pos = 0;
    const end = buf.length;
    while (end - pos >= FRAME_LENGTH_FIELD_BYTES) {
      const length = this.#checkLength(buf.readInt32BE(pos));
      if (end - pos - FRAME_LENGTH_FIELD_BYTES < length) break;
      const start = pos + FRAME_LENGTH_FIELD_BYTES;
      checkHeaderWord(buf.readInt32BE(start), length);
      pos = start + length;
      onFrame(buf.subarray(start, pos));
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
