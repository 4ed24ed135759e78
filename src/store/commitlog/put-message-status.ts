// Owns: the outcomes of storing a message, as RocketMQ names them (the broker maps them to
// response codes).
// Counterpart: org.apache.rocketmq.store.PutMessageStatus.

export const PutMessageStatus = Object.freeze({
  PUT_OK: 'PUT_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
  SERVICE_NOT_AVAILABLE: 'SERVICE_NOT_AVAILABLE',
  CREATE_MAPEDFILE_FAILED: 'CREATE_MAPEDFILE_FAILED',
  MESSAGE_ILLEGAL: 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  OS_PAGECACHE_BUSY: 'OS_PAGECACHE_BUSY',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const);
export type PutMessageStatus = (typeof PutMessageStatus)[keyof typeof PutMessageStatus];

/** Statuses that mean the message was stored (the broker answers them as "sent"). */
export function isStored(status: PutMessageStatus): boolean {
  return status === 'PUT_OK' || status === 'FLUSH_DISK_TIMEOUT' || status === 'FLUSH_SLAVE_TIMEOUT' || status === 'SLAVE_NOT_AVAILABLE';
}
