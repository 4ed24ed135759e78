// Owns: finding, in a stretch of the CommitLog, the messages the delay service delivered (they
// carry DELAY_ORIGIN_PROPERTY), so a restart knows which schedule entries are already done.
// Counterpart: none (Java re-delivers what it delivered after its last delayOffset.json write).
//
// Reads committed bytes through the store's raw read API in windows larger than any record, and
// looks at each record's topic and properties in place: no decoding of bodies or hosts, no
// per-record allocation unless the record is a delivery.

import {
  bodyLengthPos,
  checkMessageRecord,
  MAGIC_CODE_POS,
  SYSFLAG_POS,
  topicLengthBytes,
} from '../../common/message/message-record.js';
import { PROPERTY_SEPARATOR } from '../../common/message/properties.js';
import type { MessageStore } from '../../store/message-store.js';
import { SCHEDULE_TOPIC } from '../topic/topic-config-manager.js';
import { DELAY_ORIGIN_PROPERTY, type DelayOrigin, parseDelayOrigin } from './delayed-message.js';

const SCHEDULE_TOPIC_BYTES = Buffer.from(SCHEDULE_TOPIC, 'utf8');
const ORIGIN_KEY_BYTES = Buffer.from(`${DELAY_ORIGIN_PROPERTY}\u0001`, 'utf8');
const PROPERTY_SEPARATOR_BYTE = PROPERTY_SEPARATOR.charCodeAt(0);
/** Headroom over maxMessageSize for headers, topic and properties (as the store's recovery uses). */
const WINDOW_EXTRA_BYTES = 1024 * 1024;

export interface DeliveryScanResult {
  /** Where the scan began and ended (the CommitLog end, unless it stopped at damage). */
  fromOffset: number;
  toOffset: number;
  records: number;
  deliveries: number;
  /** Set when a record could not be read: the scan stopped there. */
  damagedAt?: number;
}

/**
 * Calls `visit` with the origin of every delivered message stored in [fromOffset, the CommitLog
 * end), in CommitLog order. Records in SCHEDULE_TOPIC_XXXX itself are skipped: a delivered message
 * sent back for a retry is parked there with its old origin, which says nothing new.
 */
export function scanDeliveries(store: MessageStore, fromOffset: number, visit: (origin: DelayOrigin) => void): DeliveryScanResult {
  const segmentSize = store.config.mappedFileSizeCommitLog;
  const windowBytes = store.config.maxMessageSize + WINDOW_EXTRA_BYTES;
  const nextSegment = (offset: number): number => offset - (offset % segmentSize) + segmentSize;
  const end = store.maxPhyOffset;
  const result: DeliveryScanResult = { fromOffset: Math.max(fromOffset, store.minPhyOffset), toOffset: end, records: 0, deliveries: 0 };
  let offset = result.fromOffset;
  while (offset < end) {
    const buf = store.getCommitLogData(offset, windowBytes);
    if (buf === undefined) {
      offset = nextSegment(offset); // not held (a gap between segments): go on with the next one
      continue;
    }
    let pos = 0;
    let next: number | undefined;
    while (next === undefined) {
      const check = checkMessageRecord(buf, pos, { checkCRC: false });
      if (check.status === 'ok') {
        result.records++;
        const origin = deliveryOrigin(buf, pos);
        if (origin !== undefined) {
          result.deliveries++;
          visit(origin);
        }
        pos += check.size;
      } else if (check.status === 'blank') {
        next = nextSegment(offset + pos);
      } else if (check.status === 'end') {
        // The window ended exactly on a record boundary, or zeros where a segment's tail is unused.
        next = pos > 0 ? offset + pos : nextSegment(offset);
      } else if (check.reason === 'size' && pos > 0) {
        next = offset + pos; // a record cut by the window end: read again from it
      } else {
        result.damagedAt = offset + pos;
        result.toOffset = offset + pos;
        return result;
      }
    }
    offset = next;
  }
  return result;
}

/** The origin of the record at `pos` when it is a delivery outside the schedule topic. */
function deliveryOrigin(buf: Buffer, pos: number): DelayOrigin | undefined {
  const sysFlag = buf.readInt32BE(pos + SYSFLAG_POS);
  const bodyLengthAt = pos + bodyLengthPos(sysFlag);
  const topicLengthAt = bodyLengthAt + 4 + buf.readInt32BE(bodyLengthAt);
  const lengthBytes = topicLengthBytes(buf.readInt32BE(pos + MAGIC_CODE_POS));
  const topicLength = lengthBytes === 2 ? buf.readInt16BE(topicLengthAt) : buf.readUInt8(topicLengthAt);
  const topicStart = topicLengthAt + lengthBytes;
  if (topicLength === SCHEDULE_TOPIC_BYTES.length && buf.compare(SCHEDULE_TOPIC_BYTES, 0, topicLength, topicStart, topicStart + topicLength) === 0) {
    return undefined;
  }
  const propertiesAt = topicStart + topicLength;
  const propertiesStart = propertiesAt + 2;
  const properties = buf.subarray(propertiesStart, propertiesStart + buf.readInt16BE(propertiesAt));
  let at = properties.indexOf(ORIGIN_KEY_BYTES);
  // The key must start an item, not sit inside another item's value.
  while (at > 0 && properties[at - 1] !== PROPERTY_SEPARATOR_BYTE) at = properties.indexOf(ORIGIN_KEY_BYTES, at + 1);
  if (at < 0) return undefined;
  const valueStart = at + ORIGIN_KEY_BYTES.length;
  let valueEnd = properties.indexOf(PROPERTY_SEPARATOR_BYTE, valueStart);
  if (valueEnd < 0) valueEnd = properties.length;
  return parseDelayOrigin(properties.toString('utf8', valueStart, valueEnd));
}
