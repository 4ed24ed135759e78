// Owns: the bits of a message's sysFlag (stored in every CommitLog record and sent by producers)
// and the helpers that read them. No I/O.
// Counterpart: org.apache.rocketmq.common.sysflag.MessageSysFlag and
// org.apache.rocketmq.common.compression.CompressionType (4.9.8).
//
//   bit(s)  value          meaning
//   0       0x001          body COMPRESSED
//   1       0x002          MULTI_TAGS (topic filter type MULTI_TAG)
//   2-3     0x000 .. 0x00C transaction: 0 not, 0x4 prepared, 0x8 commit, 0xC rollback
//   4       0x010          BORNHOST is IPv6 (20 bytes instead of 8)
//   5       0x020          STOREHOSTADDRESS is IPv6
//   6       0x040          NEED_UNWRAP (5.x)
//   7       0x080          INNER_BATCH (5.x)
//   8-10    0x100 .. 0x300 compression type: 1 LZ4, 2 ZSTD, 3 ZLIB; 0 with bit 0 set means ZLIB
//   11-31                  unused

export const MessageSysFlag = Object.freeze({
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x1 << 1,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x1 << 2,
  TRANSACTION_COMMIT_TYPE: 0x2 << 2,
  TRANSACTION_ROLLBACK_TYPE: 0x3 << 2,
  BORNHOST_V6_FLAG: 0x1 << 4,
  STOREHOSTADDRESS_V6_FLAG: 0x1 << 5,
  NEED_UNWRAP_FLAG: 0x1 << 6,
  INNER_BATCH_FLAG: 0x1 << 7,
  COMPRESSION_LZ4_TYPE: 0x1 << 8,
  COMPRESSION_ZSTD_TYPE: 0x2 << 8,
  COMPRESSION_ZLIB_TYPE: 0x3 << 8,
  COMPRESSION_TYPE_COMPARATOR: 0x7 << 8,
});

/** The compression algorithms bits 8-10 can name; the values are Java's `CompressionType.value`. */
export const CompressionType = Object.freeze({ LZ4: 1, ZSTD: 2, ZLIB: 3 });
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** The transaction bits 2-3: one of the four `TRANSACTION_*_TYPE` values. */
export function getTransactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** `sysFlag` with its transaction bits replaced by `type` (a `TRANSACTION_*_TYPE` value). */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) | type;
}

export function isCompressed(sysFlag: number): boolean {
  return (sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0;
}

export function clearCompressedFlag(sysFlag: number): number {
  return sysFlag & ~MessageSysFlag.COMPRESSED_FLAG;
}

/**
 * How a body flagged COMPRESSED is compressed, or undefined when bits 8-10 hold a value no
 * version defines (4-7; Java throws there).
 *
 * Compat: 0 means ZLIB. ali-ons and Java clients before 4.9.5 set only bit 0; the 4.9.8 Java
 * client sets bit 0 and ZLIB in bits 8-10 (sysFlag 769, fixture send/017 vs send/005).
 */
export function getCompressionType(sysFlag: number): CompressionType | undefined {
  switch ((sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8) {
    case 0:
    case 3:
      return CompressionType.ZLIB;
    case 1:
      return CompressionType.LZ4;
    case 2:
      return CompressionType.ZSTD;
    default:
      return undefined;
  }
}

/** Bits 8-10 for a compression type, to OR into a sysFlag together with COMPRESSED_FLAG. */
export function compressionFlag(type: CompressionType): number {
  return type << 8;
}

/** Bytes the BORNHOST field takes: 4-byte IPv4 + int port, or 16-byte IPv6 + int port. */
export function bornHostLength(sysFlag: number): 8 | 20 {
  return (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 8 : 20;
}

/** Bytes the STOREHOSTADDRESS field takes: 4-byte IPv4 + int port, or 16-byte IPv6 + int port. */
export function storeHostLength(sysFlag: number): 8 | 20 {
  return (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 8 : 20;
}
