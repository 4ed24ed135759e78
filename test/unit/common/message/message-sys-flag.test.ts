import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bornHostLength,
  clearCompressedFlag,
  compressionFlag,
  CompressionType,
  getCompressionType,
  getTransactionValue,
  isCompressed,
  MessageSysFlag,
  resetTransactionValue,
  storeHostLength,
} from '../../../../src/common/message/message-sys-flag.js';
import { loadStoreManifest } from '../../../harness/store-fixture.js';

test('reads the fixture sysFlags: 769 is compressed ZLIB, 8 is a commit', () => {
  const flags = new Set(loadStoreManifest().commitlog.map((r) => r.sysFlag));
  assert.deepEqual([...flags].sort((a, b) => a - b), [0, 8, 769]);
  assert.equal(MessageSysFlag.COMPRESSED_FLAG | compressionFlag(CompressionType.ZLIB), 769);
  assert.ok(isCompressed(769));
  assert.equal(getCompressionType(769), CompressionType.ZLIB);
  assert.equal(getTransactionValue(8), MessageSysFlag.TRANSACTION_COMMIT_TYPE);
  assert.equal(getTransactionValue(769), MessageSysFlag.TRANSACTION_NOT_TYPE);
});

test('compression type: 0 with bit 0 means ZLIB, 1 LZ4, 2 ZSTD, 4-7 unknown', () => {
  assert.equal(getCompressionType(MessageSysFlag.COMPRESSED_FLAG), CompressionType.ZLIB);
  assert.equal(getCompressionType(MessageSysFlag.COMPRESSION_LZ4_TYPE | 1), CompressionType.LZ4);
  assert.equal(getCompressionType(MessageSysFlag.COMPRESSION_ZSTD_TYPE | 1), CompressionType.ZSTD);
  assert.equal(getCompressionType(MessageSysFlag.COMPRESSION_ZLIB_TYPE | 1), CompressionType.ZLIB);
  assert.equal(getCompressionType(0x400 | 1), undefined);
  assert.equal(clearCompressedFlag(769), 768);
  assert.ok(!isCompressed(768));
});

test('transaction bits 2-3 are read and replaced without touching the others', () => {
  const prepared = MessageSysFlag.TRANSACTION_PREPARED_TYPE | MessageSysFlag.COMPRESSED_FLAG;
  assert.equal(getTransactionValue(prepared), MessageSysFlag.TRANSACTION_PREPARED_TYPE);
  assert.equal(resetTransactionValue(prepared, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE), 0xc | 1);
  assert.equal(resetTransactionValue(prepared, MessageSysFlag.TRANSACTION_NOT_TYPE), 1);
});

test('host widths follow bits 4 and 5', () => {
  assert.equal(bornHostLength(0), 8);
  assert.equal(bornHostLength(MessageSysFlag.BORNHOST_V6_FLAG), 20);
  assert.equal(storeHostLength(MessageSysFlag.BORNHOST_V6_FLAG), 8);
  assert.equal(storeHostLength(MessageSysFlag.STOREHOSTADDRESS_V6_FLAG), 20);
});
