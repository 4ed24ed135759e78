// Owns: building the extFields object of a decoded header from its keys and values.
// Counterpart: the HashMap<String, String> that RocketMQSerializable.mapDeserialize fills.
//
// Adding properties one by one under keys only known at run time (`out[key] = value`) goes through
// V8's slowest property-store path, ~20 ns a property: more than reading the strings themselves
// once they are interned. Yet a connection sends the same few key sequences over and over (every
// SEND_MESSAGE_V2 header has keys a...n in the same order). So for each key sequence seen, one
// small function is compiled that returns the object as a literal, `{"a": v[0], "b": v[1], ...}`,
// which V8 builds in one allocation with its final shape (~1 ns a property).
//
// Compiling costs tens of microseconds, so a peer that sends ever new key sequences could make us
// compile all the time: compiles are paid from a budget that decoding refills slowly, and without
// budget a header is built the slow way, which gives the same object.

import type { ExtFields } from '../remoting-command.js';

/** Headers with more keys than this are built the slow way (no real header comes close). */
const SHAPE_KEYS_MAX = 40;
const SHAPE_SLOT_BITS = 8;
/** Compiles available at once, and how many builds earn one more. */
const COMPILE_BUDGET_MAX = 64;
const BUILDS_PER_COMPILE = 1024;

type Factory = (values: readonly string[]) => ExtFields;

interface Shape {
  readonly keys: readonly string[];
  readonly make: Factory;
}

export class ExtFieldsBuilder {
  readonly #keys: string[] = [];
  readonly #values: string[] = [];
  #count = 0;
  #hash = 0;
  readonly #shapes: (Shape | undefined)[] = new Array<Shape | undefined>(1 << SHAPE_SLOT_BITS).fill(undefined);
  #compileBudget = COMPILE_BUDGET_MAX;
  #buildsSinceRefill = 0;
  /** False once the runtime refused to compile (node --disallow-code-generation-from-strings). */
  #canCompile = true;

  /** Starts a new object. */
  begin(): void {
    this.#count = 0;
    this.#hash = 0;
  }

  add(key: string, value: string): void {
    const i = this.#count++;
    this.#keys[i] = key;
    this.#values[i] = value;
    const first = key.length === 0 ? 0 : key.charCodeAt(0);
    this.#hash = (Math.imul(this.#hash, 31) + key.length * 977 + first) | 0;
  }

  /** The object of the keys and values added since begin(), in that order (a repeated key keeps its last value). */
  build(): ExtFields {
    const n = this.#count;
    const out = (n <= SHAPE_KEYS_MAX ? this.#buildFromShape(n) : null) ?? this.#buildSlowly(n);
    const values = this.#values;
    // Let go of the values, which can be long, rather than hold them until the next header.
    for (let i = 0; i < n; i++) values[i] = '';
    return out;
  }

  #buildFromShape(n: number): ExtFields | null {
    if (++this.#buildsSinceRefill === BUILDS_PER_COMPILE) {
      this.#buildsSinceRefill = 0;
      if (this.#compileBudget < COMPILE_BUDGET_MAX) this.#compileBudget++;
    }
    const slot = Math.imul(this.#hash ^ n, 0x9e3779b1) >>> (32 - SHAPE_SLOT_BITS);
    const shape = this.#shapes[slot];
    if (shape !== undefined && sameKeys(shape.keys, this.#keys, n)) return shape.make(this.#values);
    const compiled = this.#compile(n);
    if (compiled === null) return null;
    this.#shapes[slot] = compiled;
    return compiled.make(this.#values);
  }

  #compile(n: number): Shape | null {
    if (!this.#canCompile || this.#compileBudget === 0) return null;
    const keys = this.#keys.slice(0, n);
    // A literal treats "__proto__" apart (and rejects it twice); the slow path needs no exception.
    if (keys.includes('__proto__')) return null;
    this.#compileBudget--;
    // JSON.stringify quotes any key as a valid JS string literal: nothing from the wire reaches the
    // source text unquoted, and the values are never part of it.
    const source = `return {${keys.map((key, i) => `${JSON.stringify(key)}:v[${i}]`).join(',')}};`;
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the file comment
      return { keys, make: new Function('v', source) as Factory };
    } catch (err) {
      // The runtime forbids code generation from strings (an EvalError): the slow path builds the
      // same object. Any other error would be a bug here; rethrown, it closes the connection.
      if (!(err instanceof EvalError)) throw err;
      this.#canCompile = false;
      return null;
    }
  }

  #buildSlowly(n: number): ExtFields {
    const out: ExtFields = {};
    const keys = this.#keys;
    const values = this.#values;
    for (let i = 0; i < n; i++) out[keys[i]!] = values[i]!;
    return out;
  }
}

function sameKeys(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
