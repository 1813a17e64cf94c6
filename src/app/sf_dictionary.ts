/**
 * Structured Field dictionaries (RFC 8941 §3.2, parsed as §4.2.2 says), the syntax of
 * `Content-Digest`, `Repr-Digest` and `Want-Repr-Digest` (RFC 9530). Strict: any syntax error
 * fails the whole field, as §4.2 requires, so a malformed digest can never pass as "no digest".
 * Parameters are parsed and dropped (no field we read defines one).
 *
 * This module must not know about HTTP messages: it parses one combined field value.
 * @module
 */

/** A bare item (RFC 8941 §3.3): integer or decimal, string, token, byte sequence, or boolean. */
export type BareItem = number | string | SfToken | Uint8Array | boolean;

/** A token, kept apart from a string (they compare differently). */
export interface SfToken {
  token: string;
}

/** An inner list member value (RFC 8941 §3.1.1): its items, parameters dropped. */
export interface SfInnerList {
  inner: BareItem[];
}

/** Longest integer part: 15 digits (RFC 8941 §3.3.1). */
const MAX_INTEGER_DIGITS = 15;
/** Longest decimal: 12 integer digits, 3 fraction digits (§3.3.2). */
const MAX_DECIMAL_INT_DIGITS = 12;
const MAX_DECIMAL_FRAC_DIGITS = 3;
const DECIMAL_RADIX = 10;
const DIGIT_0 = 0x30;
const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/** Thrown inside the parser; never escapes it. */
class SyntaxFail extends Error {}

/**
 * Parses `value` (every line of the field joined with ", ") as a dictionary. Returns the members
 * in order (a repeated key keeps its last value, §4.2.2), or null when the field is malformed.
 * A key without "=" has the value `true`.
 */
export function parseDictionary(value: string): Map<string, BareItem | SfInnerList> | null {
  // §4.2 steps 2 and 6: leading and trailing SP only are discarded — not HTAB, nor NBSP (a byte
  // outside ASCII fails the field, step 1).
  const p = new Parser(trimSp(value));
  try {
    const out = new Map<string, BareItem | SfInnerList>();
    if (p.end()) return out;
    for (;;) {
      const key = p.key();
      let item: BareItem | SfInnerList = true;
      if (p.peek() === "=") {
        p.at++;
        item = p.peek() === "(" ? p.innerList() : p.bareItem();
      }
      p.parameters();
      out.delete(key); // re-insert: a repeated key's last value wins (§4.2.2)
      out.set(key, item);
      p.ows();
      if (p.end()) return out;
      if (p.peek() !== ",") return null;
      p.at++;
      p.ows();
      if (p.end()) return null; // a trailing comma is an error
    }
  } catch (err) {
    if (err instanceof SyntaxFail) return null;
    throw err;
  }
}

class Parser {
  at = 0;
  constructor(readonly s: string) {}

  end(): boolean {
    return this.at >= this.s.length;
  }

  peek(): string {
    return this.s[this.at] ?? "";
  }

  ows(): void {
    while (this.peek() === " " || this.peek() === "\t") this.at++;
  }

  key(): string {
    if (!KEY_START.test(this.peek())) throw new SyntaxFail();
    const start = this.at++;
    while (!this.end() && KEY_CHAR.test(this.peek())) this.at++;
    return this.s.slice(start, this.at);
  }

  parameters(): void {
    while (this.peek() === ";") {
      this.at++;
      while (this.peek() === " ") this.at++;
      this.key();
      if (this.peek() === "=") {
        this.at++;
        this.bareItem();
      }
    }
  }

  innerList(): SfInnerList {
    this.at++; // "("
    const inner: BareItem[] = [];
    for (;;) {
      while (this.peek() === " ") this.at++;
      if (this.peek() === ")") {
        this.at++;
        return { inner };
      }
      inner.push(this.bareItem());
      this.parameters();
      const c = this.peek();
      if (c !== " " && c !== ")") throw new SyntaxFail();
    }
  }

  bareItem(): BareItem {
    const c = this.peek();
    if (c === "-" || isDigit(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.binary();
    if (c === "?") return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
    throw new SyntaxFail();
  }

  /** Integer or decimal, digits read by hand (STYLE rule 3): the shape is checked as it goes. */
  number(): number {
    const negative = this.peek() === "-";
    if (negative) this.at++;
    let value = 0;
    let intDigits = 0;
    while (isDigit(this.peek())) {
      value = value * DECIMAL_RADIX + (this.s.charCodeAt(this.at++) - DIGIT_0);
      intDigits++;
    }
    if (intDigits === 0) throw new SyntaxFail();
    if (this.peek() !== ".") {
      if (intDigits > MAX_INTEGER_DIGITS) throw new SyntaxFail();
      return negative ? -value : value;
    }
    if (intDigits > MAX_DECIMAL_INT_DIGITS) throw new SyntaxFail();
    this.at++;
    let scale = 1;
    let fracDigits = 0;
    while (isDigit(this.peek())) {
      scale /= DECIMAL_RADIX;
      value += (this.s.charCodeAt(this.at++) - DIGIT_0) * scale;
      fracDigits++;
    }
    if (fracDigits === 0 || fracDigits > MAX_DECIMAL_FRAC_DIGITS) throw new SyntaxFail();
    return negative ? -value : value;
  }

  string(): string {
    this.at++;
    let out = "";
    for (;;) {
      if (this.end()) throw new SyntaxFail();
      const c = this.s[this.at++];
      if (c === '"') return out;
      if (c === "\\") {
        const next = this.s[this.at++];
        if (next !== '"' && next !== "\\") throw new SyntaxFail();
        out += next;
        continue;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw new SyntaxFail();
      out += c;
    }
  }

  binary(): Uint8Array {
    this.at++;
    const start = this.at;
    while (!this.end() && this.peek() !== ":") {
      if (!BASE64_CHAR.test(this.peek())) throw new SyntaxFail();
      this.at++;
    }
    if (this.end()) throw new SyntaxFail();
    const text = this.s.slice(start, this.at);
    this.at++;
    let raw: string;
    try {
      raw = atob(text);
    } catch {
      throw new SyntaxFail();
    }
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  boolean(): boolean {
    this.at++;
    const c = this.s[this.at++];
    if (c === "1") return true;
    if (c === "0") return false;
    throw new SyntaxFail();
  }

  token(): SfToken {
    const start = this.at++;
    while (!this.end() && TOKEN_CHAR.test(this.peek())) this.at++;
    return { token: this.s.slice(start, this.at) };
  }
}

/** `s` without leading and trailing SP (RFC 8941 §4.2). */
function trimSp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === " ") start++;
  while (end > start && s[end - 1] === " ") end--;
  return s.slice(start, end);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9" && c.length === 1;
}
