// Owns: reading and writing JSON bodies the way Java's fastjson 1.2.x writes them, plus the shape
// checks body decoders use on parsed values. No I/O.
// Counterpart: org.apache.rocketmq.remoting.protocol.RemotingSerializable (JSON.toJSONString /
// JSON.parseObject from com.alibaba.fastjson).
//
// Two fastjson habits matter on the wire:
// - A Map whose keys are numbers (HashMap<Long,String> brokerAddrs, offset tables) is written with
//   bare keys: {"brokerAddrs":{0:"127.0.0.1:40911"}}. That is not JSON, so JSON.parse rejects it.
//   The standard-JSON route answer (BrowserCompatible) quotes them: {"0":"127.0.0.1:40911"}.
// - Bean properties come out in alphabetical order and null properties are left out. Callers build
//   beans with their keys already in that order; this writer keeps the order it is given.
//
// Not handled: fastjson also writes maps keyed by beans (ConsumeStats' MessageQueue keys,
// {{"brokerName":...}:{...}}). parseFastJson rejects those with a FastJsonSyntaxError.

/** Raised for text that is neither JSON nor fastjson's bare-numeric-key dialect. */
export class FastJsonSyntaxError extends SyntaxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FastJsonSyntaxError';
  }
}

/** Raised by body decoders when a parsed value has the wrong shape; `field` names the path. */
export class FastJsonShapeError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'FastJsonShapeError';
    this.field = field;
  }
}

export interface FastJsonWriteOptions {
  /** Write number Map keys quoted ({"0":...}) as standard JSON; fastjson's default is bare. */
  quoteNumericKeys?: boolean;
  /**
   * fastjson's SerializerFeature.BrowserCompatible: escape every char >= 0x7F as \uXXXX and '/'
   * as "\/". Java's namesrv uses it (with quoted keys) for the standard-JSON route answer.
   */
  browserCompatible?: boolean;
  /** fastjson's SerializerFeature.MapSortField: write Map entries in key order (numbers numerically). */
  sortMapKeys?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const CH_QUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_LBRACE = 0x7b;
const CH_COMMA = 0x2c;
const CH_COLON = 0x3a;
const CH_MINUS = 0x2d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Parses fastjson output: standard JSON, plus bare integer object keys ({0:"a",-1:"b"}).
 * One pass quotes the bare keys (only outside strings, only where an object key may stand),
 * then JSON.parse does the rest. Bare keys become string property names, as quoted ones would.
 */
export function parseFastJson(text: string): unknown {
  let out = '';
  let copiedTo = 0;
  let inString = false;
  // The last significant char outside strings, to know whether a key may start here.
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === CH_BACKSLASH) i++;
      else if (c === CH_QUOTE) inString = false;
      continue;
    }
    if (c === CH_QUOTE) {
      inString = true;
      previous = c;
      continue;
    }
    if (isWhitespace(c)) continue;
    if ((previous === CH_LBRACE || previous === CH_COMMA) && (isDigit(c) || c === CH_MINUS)) {
      let end = i + 1;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      let after = end;
      while (after < text.length && isWhitespace(text.charCodeAt(after))) after++;
      if (text.charCodeAt(after) === CH_COLON && (c !== CH_MINUS || end > i + 1)) {
        out += text.slice(copiedTo, i) + '"' + text.slice(i, end) + '"';
        copiedTo = end;
        i = end - 1;
        previous = CH_QUOTE;
        continue;
      }
    }
    previous = c;
  }
  const standard = copiedTo === 0 ? text : out + text.slice(copiedTo);
  try {
    return JSON.parse(standard) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FastJsonSyntaxError(`invalid fastjson text: ${reason}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes `value` as fastjson does: plain objects in their own property order with null and
 * undefined properties left out, Maps as objects (number keys bare unless quoteNumericKeys),
 * Sets and arrays as arrays, bigint as a JSON number.
 */
export function toFastJson(value: unknown, options: FastJsonWriteOptions = {}): string {
  const parts: string[] = [];
  writeValue(parts, value, options, '$');
  return parts.join('');
}

function writeValue(parts: string[], value: unknown, options: FastJsonWriteOptions, path: string): void {
  if (value === null || value === undefined) {
    parts.push('null');
  } else if (typeof value === 'string') {
    parts.push(quoteString(value, options.browserCompatible === true));
  } else if (typeof value === 'number') {
    // fastjson writes NaN and the infinities of a double as null.
    parts.push(Number.isFinite(value) ? String(value) : 'null');
  } else if (typeof value === 'bigint') {
    parts.push(value.toString());
  } else if (typeof value === 'boolean') {
    parts.push(value ? 'true' : 'false');
  } else if (Array.isArray(value)) {
    writeList(parts, value, options, path);
  } else if (value instanceof Set) {
    writeList(parts, [...value], options, path);
  } else if (value instanceof Map) {
    writeMap(parts, value, options, path);
  } else if (typeof value === 'object') {
    writeBean(parts, value as Record<string, unknown>, options, path);
  } else {
    throw new TypeError(`${path}: cannot write a ${typeof value} as fastjson`);
  }
}

function writeList(parts: string[], items: readonly unknown[], options: FastJsonWriteOptions, path: string): void {
  parts.push('[');
  items.forEach((item, index) => {
    if (index > 0) parts.push(',');
    writeValue(parts, item, options, `${path}[${index}]`);
  });
  parts.push(']');
}

function writeBean(parts: string[], bean: Record<string, unknown>, options: FastJsonWriteOptions, path: string): void {
  parts.push('{');
  let first = true;
  for (const key of Object.keys(bean)) {
    const field = bean[key];
    if (field === null || field === undefined || typeof field === 'function') continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(quoteString(key, options.browserCompatible === true), ':');
    writeValue(parts, field, options, `${path}.${key}`);
  }
  parts.push('}');
}

function writeMap(parts: string[], map: Map<unknown, unknown>, options: FastJsonWriteOptions, path: string): void {
  let entries = [...map.entries()];
  if (options.sortMapKeys === true) entries = entries.sort(([a], [b]) => compareKeys(a, b));
  parts.push('{');
  let first = true;
  for (const [key, field] of entries) {
    // fastjson leaves out null map values unless WriteMapNullValue is on.
    if (field === null || field === undefined) continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(mapKey(key, options, path), ':');
    writeValue(parts, field, options, `${path}[${String(key)}]`);
  }
  parts.push('}');
}

function mapKey(key: unknown, options: FastJsonWriteOptions, path: string): string {
  if (typeof key === 'string') return quoteString(key, options.browserCompatible === true);
  if ((typeof key === 'number' && Number.isInteger(key)) || typeof key === 'bigint') {
    const digits = key.toString();
    return options.quoteNumericKeys === true ? `"${digits}"` : digits;
  }
  throw new TypeError(`${path}: map keys must be strings or integers, got ${typeof key}`);
}

function compareKeys(a: unknown, b: unknown): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

const HEX_DIGITS = '0123456789ABCDEF';

function unicodeEscape(code: number): string {
  return (
    '\\u' +
    HEX_DIGITS.charAt((code >>> 12) & 15) +
    HEX_DIGITS.charAt((code >>> 8) & 15) +
    HEX_DIGITS.charAt((code >>> 4) & 15) +
    HEX_DIGITS.charAt(code & 15)
  );
}

const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x22, '\\"'],
  [0x5c, '\\\\'],
]);

/**
 * fastjson 1.2.83 string escaping (SerializeWriter.writeStringWithDoubleQuote), per UTF-16 unit:
 * default: \b \t \n \f \r \" \\ short; other C0 controls, 0x7F-0x9F, U+2028 and U+2029 as
 *          \uXXXX (uppercase hex); '/' and everything else as is.
 * browserCompatible: the short escapes above plus "\/"; other C0 controls and every unit
 *          >= 0x7F (so each half of a surrogate pair) as \uXXXX.
 */
function quoteString(text: string, browserCompatible: boolean): string {
  let out = '"';
  let copiedTo = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escape: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      escape = SHORT_ESCAPES.get(c) ?? unicodeEscape(c);
    } else if (browserCompatible) {
      if (c === 0x2f) escape = '\\/';
      else if (c >= 0x7f) escape = unicodeEscape(c);
    } else if ((c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029) {
      escape = unicodeEscape(c);
    }
    if (escape !== undefined) {
      out += text.slice(copiedTo, i) + escape;
      copiedTo = i + 1;
    }
  }
  return out + text.slice(copiedTo) + '"';
}

// ---------------------------------------------------------------------------------------------
// Shape checks for decoders of parsed bodies. Each names the field path in its error.

export type JsonObject = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function expectObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FastJsonShapeError(field, `expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

export function expectArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new FastJsonShapeError(field, `expected an array, got ${describe(value)}`);
  return value;
}

export function expectString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new FastJsonShapeError(field, `expected a string, got ${describe(value)}`);
  return value;
}

/** A Java int or long: a JSON number with no fraction that a double holds exactly. */
export function expectInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FastJsonShapeError(field, `expected an integer, got ${describe(value)}`);
  }
  return value;
}

export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new FastJsonShapeError(field, `expected a boolean, got ${describe(value)}`);
  return value;
}

/** A map key written bare (0) or quoted ("0"); both arrive as the property name "0". */
export function expectIntegerKey(key: string, field: string): number {
  if (!/^-?\d+$/.test(key) || !Number.isSafeInteger(Number(key))) {
    throw new FastJsonShapeError(field, `expected an integer map key, got ${JSON.stringify(key)}`);
  }
  return Number(key);
}

/** Reads a JSON object whose values are strings into a Map, keeping the text's key order. */
export function expectStringMap(value: unknown, field: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const [key, item] of Object.entries(expectObject(value, field))) {
    table.set(key, expectString(item, `${field}.${key}`));
  }
  return table;
}
