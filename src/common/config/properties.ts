// Owns: reading Java properties text (broker.conf, namesrv.conf), so RocketMQ's own files work as
// they are. Counterpart: java.util.Properties.load as MixAll.string2Properties uses it.
//
// Supported: `key=value`, `key: value` and `key value`; `#` and `!` comments; a trailing backslash
// continues a line; escapes \t \n \r \f \\ and \uXXXX.

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    const { key, value } = splitEntry(line);
    out.set(unescape(key), unescape(value));
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
  return backslashes % 2 === 1;
}

function splitEntry(line: string): { key: string; value: string } {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    i++;
  }
  const key = line.slice(0, i);
  let rest = line.slice(i).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) {
    rest = rest.slice(1);
    rest = rest.replace(/^[ \t\f]+/, '');
  }
  return { key, value: rest };
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    switch (e) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      default: return e;
    }
  });
}
