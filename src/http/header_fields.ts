/**
 * An ordered list of header (or trailer) fields exactly as received: original case, order and
 * duplicates kept, with a case-insensitive lookup.
 *
 * This module must not know about parsing or sockets.
 * @module
 */

/** Ordered name/value pairs with case-insensitive lookup by lower-case name. */
export class HeaderFields {
  /** Field names as sent (original case), in arrival order. */
  readonly names: readonly string[] = [];
  /** Field values (OWS trimmed), parallel to `names`. */
  readonly values: readonly string[] = [];
  /** Lower-cased names, parallel to `names`, for lookup. */
  readonly keys: readonly string[] = [];
  /**
   * One bit per key length (mod 32) present: a lookup of a field that is absent — most lookups
   * are (Expect, Transfer-Encoding, Connection…) — usually ends without a scan.
   */
  #lengths = 0;
  #sealed = false;

  /** Appends one field line; `key` is `name` lower-cased (the parser already has it). */
  add(name: string, value: string, key: string = name.toLowerCase()): void {
    if (this.#sealed) throw new Error("header fields are sealed");
    (this.names as string[]).push(name);
    (this.values as string[]).push(value);
    (this.keys as string[]).push(key);
    this.#lengths |= lengthBit(key);
  }

  /**
   * Refuses any further `add`: a sealed list may be handed to more than one request (a head that
   * repeats the previous one on a connection shares its fields).
   */
  seal(): void {
    this.#sealed = true;
  }

  /** A new, unsealed list holding the first `count` lines of this one. */
  firstLines(count: number): HeaderFields {
    const out = new HeaderFields();
    for (let i = 0; i < count; i++) out.add(this.names[i], this.values[i], this.keys[i]);
    return out;
  }

  /** Number of field lines. */
  get size(): number {
    return this.names.length;
  }

  /** The first value of the field `key` (lower case), or undefined. */
  get(key: string): string | undefined {
    if ((this.#lengths & lengthBit(key)) === 0) return undefined;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) return this.values[i];
    }
    return undefined;
  }

  /** Every value of the field `key` (lower case), in order. */
  getAll(key: string): string[] {
    const out: string[] = [];
    if ((this.#lengths & lengthBit(key)) === 0) return out;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) out.push(this.values[i]);
    }
    return out;
  }

  /** How many field lines are named `key` (lower case). */
  count(key: string): number {
    if ((this.#lengths & lengthBit(key)) === 0) return 0;
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /** Whether a field named `key` (lower case) is present. */
  has(key: string): boolean {
    return (this.#lengths & lengthBit(key)) !== 0 && this.keys.includes(key);
  }

  /** The values of `key` joined as one comma-separated list (RFC 9110 §5.3), or undefined. */
  list(key: string): string | undefined {
    if ((this.#lengths & lengthBit(key)) === 0) return undefined;
    const all = this.getAll(key);
    return all.length === 0 ? undefined : all.join(", ");
  }

  /** All pairs as sent: `[name, value]` in order. */
  entries(): Array<[string, string]> {
    return this.names.map((n, i) => [n, this.values[i]]);
  }
}

/** The bit of `#lengths` for a key of this length. */
function lengthBit(key: string): number {
  return 1 << (key.length & 31);
}
