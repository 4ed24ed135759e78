// Owns: the name of an index file, its creation time as yyyyMMddHHmmssSSS in local time, and
// reading that time back. Names sort as times do, which is how files are ordered at load.
// Counterpart: org.apache.rocketmq.common.UtilAll#timeMillisToHumanString (4.9.8), as used by
// org.apache.rocketmq.store.index.IndexService#getAndCreateLastIndexFile.

/** 17 digits: yyyyMMddHHmmssSSS. */
export const INDEX_FILE_NAME_PATTERN = /^\d{17}$/;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The name of an index file created at `timeMs`, in the process's local time zone as Java's Calendar does. */
export function indexFileName(timeMs: number): string {
  const d = new Date(timeMs);
  return (
    pad(d.getFullYear(), 4) +
    pad(d.getMonth() + 1, 2) +
    pad(d.getDate(), 2) +
    pad(d.getHours(), 2) +
    pad(d.getMinutes(), 2) +
    pad(d.getSeconds(), 2) +
    pad(d.getMilliseconds(), 3)
  );
}

/** The time (ms since the epoch) an index file name stands for, read as local time; NaN if it is not one. */
export function indexFileNameTime(name: string): number {
  if (!INDEX_FILE_NAME_PATTERN.test(name)) return Number.NaN;
  const part = (from: number, to: number): number => Number(name.slice(from, to));
  return new Date(part(0, 4), part(4, 6) - 1, part(6, 8), part(8, 10), part(10, 12), part(12, 14), part(14, 17)).getTime();
}
