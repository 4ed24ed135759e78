// Owns: reading another process's resident memory and CPU time from /proc, for the macro benches
// that watch a broker process they started.

import fs from 'node:fs';

/** The process's resident set from /proc/<pid>/status (VmRSS), in bytes; 0 when unreadable (it has exited). */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0; // the process has exited: no sample
  }
}

/** The process's user + system CPU time from /proc/<pid>/stat, in ms (clock ticks of 10 ms); NaN when unreadable. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
