// Owns: printing rows as aligned columns under mqadmin's column names ("#Topic", "#QID"...).
// Counterpart: the printf formats of the mqadmin commands, whose fixed widths we replace with
// the width of the longest cell, so long topic names never break the alignment.

export type Cell = string | number;

/** The lines of a table: every column but the last padded to its widest cell, two spaces apart. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string[] {
  const text = [header, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = header.map((_, col) => Math.max(...text.map((row) => (row[col] ?? '').length)));
  return text.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** "key: value" lines with the keys padded to the longest, as mqadmin brokerStatus prints them. */
export function formatKeyValues(entries: Iterable<readonly [string, string]>, prefix = ''): string[] {
  const list = [...entries];
  const width = Math.max(0, ...list.map(([k]) => k.length));
  return list.map(([k, v]) => `${prefix}${k.padEnd(width)} : ${v}`);
}
