// Owns: the SEND_BATCH_MESSAGE body (the messages of one batch, as the producer encodes them) and
// how the broker merges each entry's properties with the batch's. No I/O.
// Counterpart: org.apache.rocketmq.common.message.MessageDecoder#encodeMessage/#encodeMessages/
// #decodeMessage/#decodeMessages and the batch half of CommitLog.MessageExtEncoder (4.9.8).
//
// One entry, big-endian; entries are concatenated with nothing between them:
//
//   pos   size  field
//     0      4  TOTALSIZE     this entry's length
//     4      4  MAGICCODE     0 (the producer leaves it)
//     8      4  BODYCRC       0 (the broker computes it)
//    12      4  FLAG
//    16      4  BODY length b
//    20      b  BODY
//  20+b      2  PROPERTIES length p (signed short)
//  22+b      p  PROPERTIES    UTF-8, the message's own properties (properties.ts)
//
//  total = 22 + b + p (BATCH_ENTRY_FIXED_BYTES = 22)
//
// The broker writes one full record per entry (message-record.ts) with the topic, queueId,
// sysFlag, hosts and timestamps of the batch request, the entry's flag and body, and the entry's
// properties followed by the batch's (joinBatchProperties).

import { decodeProperties, PROPERTIES_BYTES_MAX, PROPERTY_SEPARATOR } from './properties.js';

export const BATCH_ENTRY_FIXED_BYTES = 4 + 4 + 4 + 4 + 4 + 2;
const BODY_LENGTH_POS = 16;

export interface BatchEntryInput {
  readonly flag: number;
  readonly body: Uint8Array;
  /** The message's properties string (or its UTF-8 bytes), as encodeProperties makes it. */
  readonly propertiesString: string | Uint8Array;
}

export interface BatchEntry {
  /** TOTALSIZE as sent; see decodeBatchBody. */
  readonly totalSize: number;
  readonly magicCode: number;
  readonly bodyCRC: number;
  readonly flag: number;
  /** A slice of the batch body: no copy, same lifetime. */
  readonly body: Buffer;
  readonly propertiesString: string;
  readonly properties: Map<string, string>;
}

/** A batch body that does not parse; the broker answers such a request with an error. */
export class BatchBodyError extends Error {
  /** Offset of the entry in the body. */
  readonly position: number;

  constructor(position: number, message: string) {
    super(message);
    this.name = 'BatchBodyError';
    this.position = position;
  }
}

/** Bytes encodeBatchBody needs for `entries`. */
export function batchBodySize(entries: readonly BatchEntryInput[]): number {
  let size = 0;
  for (const entry of entries) size += BATCH_ENTRY_FIXED_BYTES + entry.body.length + byteLengthOf(entry.propertiesString);
  return size;
}

function byteLengthOf(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/**
 * Encodes a batch as the Java producer does: one allocation for the whole body, each body copied
 * into it once. Throws RangeError when an entry's properties exceed 32 767 bytes, as Java does.
 */
export function encodeBatchBody(entries: readonly BatchEntryInput[]): Buffer {
  const out = Buffer.allocUnsafe(batchBodySize(entries));
  let pos = 0;
  for (const entry of entries) {
    const start = pos;
    const properties = entry.propertiesString;
    const propertiesLength = byteLengthOf(properties);
    if (propertiesLength > PROPERTIES_BYTES_MAX) {
      throw new RangeError(`batch entry properties of ${propertiesLength} bytes exceed ${PROPERTIES_BYTES_MAX}`);
    }
    const totalSize = BATCH_ENTRY_FIXED_BYTES + entry.body.length + propertiesLength;
    out.writeInt32BE(totalSize, pos);
    out.writeInt32BE(0, pos + 4);
    out.writeInt32BE(0, pos + 8);
    out.writeInt32BE(entry.flag, pos + 12);
    out.writeInt32BE(entry.body.length, pos + BODY_LENGTH_POS);
    out.set(entry.body, pos + 20);
    pos += 20 + entry.body.length;
    out.writeInt16BE(propertiesLength, pos);
    if (typeof properties === 'string') out.write(properties, pos + 2, 'utf8');
    else out.set(properties, pos + 2);
    pos += 2 + propertiesLength;
    if (pos - start !== totalSize) throw new Error('batch entry size mismatch');
  }
  return out;
}

/**
 * Decodes a batch body. Bodies are slices of `body`; properties are parsed as a broker parses them.
 *
 * Compat: like the Java broker, this walks each entry by its BODY and PROPERTIES lengths and does
 * not check TOTALSIZE, MAGICCODE or BODYCRC (the producer sends zeros for the last two). An entry
 * cut short, or a negative length, throws BatchBodyError; Java fails such a request too.
 */
export function decodeBatchBody(body: Buffer): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const start = pos;
    if (body.length - pos < 20) {
      throw new BatchBodyError(start, `batch entry at ${start}: ${body.length - pos} bytes, too short for its header`);
    }
    const bodyLength = body.readInt32BE(pos + BODY_LENGTH_POS);
    const bodyStart = pos + 20;
    if (bodyLength < 0 || bodyStart + bodyLength + 2 > body.length) {
      throw new BatchBodyError(start, `batch entry at ${start}: body length ${bodyLength} runs past the end`);
    }
    const propertiesPos = bodyStart + bodyLength;
    const propertiesLength = body.readInt16BE(propertiesPos);
    if (propertiesLength < 0 || propertiesPos + 2 + propertiesLength > body.length) {
      throw new BatchBodyError(start, `batch entry at ${start}: properties length ${propertiesLength} runs past the end`);
    }
    const propertiesString = body.toString('utf8', propertiesPos + 2, propertiesPos + 2 + propertiesLength);
    entries.push({
      totalSize: body.readInt32BE(pos),
      magicCode: body.readInt32BE(pos + 4),
      bodyCRC: body.readInt32BE(pos + 8),
      flag: body.readInt32BE(pos + 12),
      body: body.subarray(bodyStart, bodyStart + bodyLength),
      propertiesString,
      properties: decodeProperties(propertiesString),
    });
    pos = propertiesPos + 2 + propertiesLength;
  }
  return entries;
}

/**
 * The properties string the broker stores for one batch entry: the entry's own string, then the
 * batch-level string (the request's properties, with CLUSTER added), joined by a separator
 * unless the entry's string already ends with one.
 *
 * Compat: names present in both, such as WAIT, appear twice in the stored string (README note 4).
 */
export function joinBatchProperties(entryProperties: string, batchProperties: string): string {
  if (batchProperties.length === 0) return entryProperties;
  if (entryProperties.length === 0) return batchProperties;
  return entryProperties.endsWith(PROPERTY_SEPARATOR)
    ? entryProperties + batchProperties
    : entryProperties + PROPERTY_SEPARATOR + batchProperties;
}
