// Owns: the typed-header machinery every request family uses: field kinds, wire keys, required
// fields, and total decoders (a typed header or an error text, never a throw).
// Counterpart: CommandCustomHeader + RemotingCommand.decodeCommandCustomHeader in Java.
//
// Java copies every non-null header field into extFields as a string and parses it back by the
// field's type; a missing mandatory field is answered SYSTEM_ERROR "the custom field <x> is null".

import { ResponseCode } from '../codes/response-code.js';
import type { RemotingConnection } from '../connection.js';
import type { RequestHandler } from '../dispatcher.js';
import { type ExtFields, RemotingCommand } from '../remoting-command.js';

type Kind = 'string' | 'int' | 'long' | 'bool';
interface KindType {
  string: string;
  int: number;
  long: number;
  bool: boolean;
}

export interface FieldOptions {
  /** Wire key; defaults to the property name. */
  key?: string;
  /** Wire key for the codes listed in `v2Codes` (SEND_MESSAGE_V2's one-letter keys). */
  v2?: string;
  optional?: boolean;
}

export interface Field<T, Optional extends boolean> {
  readonly kind: Kind;
  readonly key: string | undefined;
  readonly v2: string | undefined;
  readonly optional: Optional;
  /** Type carrier only; never set. */
  readonly __type?: T;
}

type OptionalOf<O> = O extends { optional: true } ? true : false;

function fieldOf<K extends Kind>(kind: K) {
  return <const O extends FieldOptions | string = Record<never, never>>(options?: O): Field<KindType[K], OptionalOf<O>> => {
    const opts: FieldOptions = typeof options === 'string' ? { key: options } : (options ?? {});
    return { kind, key: opts.key, v2: opts.v2, optional: (opts.optional ?? false) as OptionalOf<O> };
  };
}

export const field = {
  string: fieldOf('string'),
  int: fieldOf('int'),
  long: fieldOf('long'),
  bool: fieldOf('bool'),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field shape
export type Shape = Record<string, Field<any, boolean>>;
type Prettify<T> = { [K in keyof T]: T[K] } & {};
type TypeOf<F> = F extends Field<infer T, boolean> ? T : never;
export type HeaderOf<S extends Shape> = Prettify<
  { [K in keyof S as S[K]['optional'] extends true ? never : K]: TypeOf<S[K]> } & {
    [K in keyof S as S[K]['optional'] extends true ? K : never]?: TypeOf<S[K]>;
  }
>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RequestDefinition<H extends Shape, R extends Shape> {
  codes: readonly number[];
  v2Codes?: readonly number[];
  header: H;
  response?: R;
}

export interface RequestCodec<H extends Shape, R extends Shape> {
  readonly codes: readonly number[];
  decode(request: RemotingCommand): Decoded<HeaderOf<H>>;
  encode(header: HeaderOf<H>, code?: number): ExtFields;
  decodeResponse(response: RemotingCommand): Decoded<HeaderOf<R>>;
  encodeResponse(values: HeaderOf<R>): ExtFields;
}

export type RequestHeaderOf<C> = C extends RequestCodec<infer H, Shape> ? HeaderOf<H> : never;
export type ResponseHeaderOf<C> = C extends RequestCodec<Shape, infer R> ? HeaderOf<R> : never;

interface CompiledField {
  name: string;
  kind: Kind;
  key: string;
  v2Key: string;
  optional: boolean;
}

function compile(shape: Shape): CompiledField[] {
  return Object.entries(shape).map(([name, f]) => ({
    name,
    kind: f.kind,
    key: f.key ?? name,
    v2Key: f.v2 ?? f.key ?? name,
    optional: f.optional,
  }));
}

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** Optional spaces, an optional minus, digits, optional spaces (a loop: this runs per header field). */
function isIntegerText(raw: string): boolean {
  let i = 0;
  let end = raw.length;
  while (i < end && raw.charCodeAt(i) === 32) i++;
  while (end > i && raw.charCodeAt(end - 1) === 32) end--;
  if (i < end && raw.charCodeAt(i) === 45) i++;
  if (i === end) return false;
  for (; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function parseValue(kind: Kind, raw: string): string | number | boolean | undefined {
  switch (kind) {
    case 'string':
      return raw;
    case 'bool':
      return raw.toLowerCase() === 'true';
    case 'int':
    case 'long': {
      if (!isIntegerText(raw)) return undefined;
      const n = Number(raw);
      if (kind === 'int') return n < INT_MIN || n > INT_MAX ? undefined : n;
      if (Number.isSafeInteger(n)) return n;
      // Compat: Java tools send Long.MAX_VALUE / MIN_VALUE as "no bound" (mqadmin queryMsgByKey's
      // endTimestamp). Beyond 2^53 a long is read as the largest exact number of its sign, which
      // bounds every real offset and timestamp the same way.
      const big = BigInt(raw.trim());
      if (big > LONG_MAX || big < LONG_MIN) return undefined;
      return big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    }
  }
}

function decodeFieldsSlowly(fields: CompiledField[], ext: ExtFields | null, useV2: boolean): Decoded<Record<string, unknown>> {
  const value: Record<string, unknown> = {};
  for (const f of fields) {
    const key = useV2 ? f.v2Key : f.key;
    const raw = ext?.[key];
    if (raw === undefined) {
      if (f.optional) continue;
      return { ok: false, error: `the custom field <${key}> is null` };
    }
    const parsed = parseValue(f.kind, raw);
    if (parsed === undefined) return { ok: false, error: `the custom field <${key}> is not a valid ${f.kind}: ${raw}` };
    value[f.name] = parsed;
  }
  return { ok: true, value };
}

type FieldsDecoder = (ext: ExtFields | null) => Decoded<Record<string, unknown>>;

/**
 * A decoder compiled for one field list: direct property reads and one object literal with the
 * required fields, instead of a loop of keyed reads and property adds (half of a SEND header's
 * typed decode in the remoting bench). The source is built from our own codec definitions only —
 * keys and names quoted with JSON.stringify — never from anything received. Where the runtime
 * forbids code generation, the loop above decodes the same value.
 */
function compileDecoder(fields: CompiledField[], useV2: boolean): FieldsDecoder {
  const lines: string[] = ['if (ext === null) ext = EMPTY;', 'let raw;'];
  const required: string[] = [];
  const optional: string[] = [];
  fields.forEach((f, i) => {
    const key = JSON.stringify(useV2 ? f.v2Key : f.key);
    const wireKey = useV2 ? f.v2Key : f.key;
    lines.push(`raw = ext[${key}];`);
    const parse = f.kind === 'string' ? 'raw' : `parse(${JSON.stringify(f.kind)}, raw)`;
    const invalid = JSON.stringify(`the custom field <${wireKey}> is not a valid ${f.kind}: `);
    const check = f.kind === 'string' ? '' : `if (v${i} === undefined) return { ok: false, error: ${invalid} + raw };`;
    if (f.optional) {
      lines.push(`let v${i};`, `if (raw !== undefined) { v${i} = ${parse}; ${check} }`);
      optional.push(`if (v${i} !== undefined) value[${JSON.stringify(f.name)}] = v${i};`);
    } else {
      lines.push(`if (raw === undefined) return { ok: false, error: ${JSON.stringify(`the custom field <${wireKey}> is null`)} };`);
      lines.push(`const v${i} = ${parse};`, check);
      required.push(`${JSON.stringify(f.name)}: v${i}`);
    }
  });
  lines.push(`const value = { ${required.join(', ')} };`, ...optional, 'return { ok: true, value };');
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the comment above
    const factory = new Function('parse', 'EMPTY', `return function decode(ext) {\n${lines.join('\n')}\n};`) as (
      parse: typeof parseValue,
      empty: ExtFields,
    ) => FieldsDecoder;
    return factory(parseValue, Object.freeze({}));
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return (ext) => decodeFieldsSlowly(fields, ext, useV2);
  }
}

function encodeFields(fields: CompiledField[], values: Record<string, unknown>, useV2: boolean): ExtFields {
  const ext: ExtFields = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || v === null) continue;
    ext[useV2 ? f.v2Key : f.key] = String(v);
  }
  return ext;
}

/** Declares the codec of one request-code family. */
export function defineRequest<H extends Shape, R extends Shape = Record<never, never>>(
  definition: RequestDefinition<H, R>,
): RequestCodec<H, R> {
  const headerFields = compile(definition.header);
  const responseFields = compile(definition.response ?? {});
  const v2Codes = new Set(definition.v2Codes ?? []);
  const decodeV1 = compileDecoder(headerFields, false);
  const decodeV2 = v2Codes.size > 0 ? compileDecoder(headerFields, true) : decodeV1;
  const decodeResponseFields = compileDecoder(responseFields, false);
  return {
    codes: definition.codes,
    decode: (request) => (v2Codes.has(request.code) ? decodeV2 : decodeV1)(request.extFields) as Decoded<HeaderOf<H>>,
    encode: (header, code) => encodeFields(headerFields, header as Record<string, unknown>, code !== undefined && v2Codes.has(code)),
    decodeResponse: (response) => decodeResponseFields(response.extFields) as Decoded<HeaderOf<R>>,
    encodeResponse: (values) => encodeFields(responseFields, values as Record<string, unknown>, false),
  };
}

/**
 * A handler that receives the decoded header; a header that fails to decode is answered
 * SYSTEM_ERROR with the field named, as the Java server does, and the connection lives on.
 */
export function handleWith<H extends Shape, R extends Shape>(
  codec: RequestCodec<H, R>,
  handler: (header: HeaderOf<H>, request: RemotingCommand, connection: RemotingConnection) => ReturnType<RequestHandler>,
): RequestHandler {
  return (request, connection) => {
    const decoded = codec.decode(request);
    if (!decoded.ok) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, decoded.error);
    return handler(decoded.value, request, connection);
  };
}
