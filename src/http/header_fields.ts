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
  readonly names: string[] = [];
  /** Field values (OWS trimmed), parallel to `names`. */
  readonly values: string[] = [];
  /** Lower-cased names, parallel to `names`, for lookup. */
  readonly keys: string[] = [];
  /**
   * One bit per key length (mod 32) present: a lookup of a field that is absent — most lookups
   * are (Expect, Transfer-Encoding, Connection…) — usually ends without a scan.
   */
  #lengths = 0;

  /** Appends one field line; `key` is `name` lower-cased (the parser already has it). */
  add(name: string, value: string, key: string = name.toLowerCase()): void {
    this.names.push(name);
    this.values.push(value);
    this.keys.push(key);
    this.#lengths |= lengthBit(key);
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
