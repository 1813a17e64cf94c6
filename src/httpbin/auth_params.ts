/**
 * Parses credentials of the auth-param form (RFC 9110 §11.2, §11.4):
 * `Scheme name=token, name="quoted \"string\"", …`, as Digest credentials are sent.
 *
 * This module must not know about requests.
 * @module
 */

/** Scheme (lower case) and parameters (names lower case, values unquoted). */
export interface AuthParams {
  scheme: string;
  params: Map<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const SPACE = " ";
const TAB = "\t";

/**
 * The scheme and parameters of `value`, or null when it is not well formed: a parameter without
 * `=`, an unterminated quoted string, text between parameters, or a name given twice (§11.2:
 * "each parameter name MUST only occur once").
 */
export function parseAuthParams(value: string): AuthParams | null {
  let i = 0;
  const token = (): string => {
    const start = i;
    while (i < value.length && TCHAR.test(value[i])) i++;
    return value.slice(start, i);
  };
  const ows = () => {
    while (value[i] === SPACE || value[i] === TAB) i++;
  };
  const scheme = token();
  if (scheme === "" || (i < value.length && value[i] !== SPACE)) return null;
  const params = new Map<string, string>();
  for (;;) {
    // #rule (RFC 9110 §5.6.1): empty list elements and OWS around commas are allowed.
    while (value[i] === SPACE || value[i] === TAB || value[i] === ",") i++;
    if (i >= value.length) break;
    const name = token().toLowerCase();
    ows();
    if (name === "" || value[i] !== "=") return null;
    i++;
    ows();
    let v = "";
    if (value[i] === '"') {
      // quoted-string (RFC 9110 §5.6.4): a backslash quotes the next character.
      i++;
      for (;;) {
        if (i >= value.length) return null;
        const c = value[i++];
        if (c === '"') break;
        if (c === "\\") {
          if (i >= value.length) return null;
          v += value[i++];
        } else v += c;
      }
    } else {
      v = token();
      if (v === "") return null;
    }
    if (params.has(name)) return null;
    params.set(name, v);
    ows();
    if (i < value.length && value[i] !== ",") return null;
  }
  return { scheme: scheme.toLowerCase(), params };
}
