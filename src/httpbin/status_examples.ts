/**
 * What `/status/<code>` sends besides the status: go-httpbin's `createSpecialCases` table,
 * byte for byte (fields, and bodies with their exact text), so clients that test redirects,
 * challenges or the teapot see what they see against go-httpbin.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";

const TEXT_PLAIN = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
/** go-httpbin's realm for the 401/407 examples. */
const FAKE_REALM = 'Basic realm="Fake Realm"';
/** Where go-httpbin points its plain redirect examples. */
const REDIRECT_EXAMPLE = "/redirect/1";
/** Where the 300 and 308 examples point. */
const IMAGE_EXAMPLE = "/image/jpeg";

const MULTIPLE_CHOICES_BODY = `<!doctype html>
<head>
<title>Multiple Choices</title>
</head>
<body>
<ul>
<li><a href="/image/jpeg">/image/jpeg</a></li>
<li><a href="/image/png">/image/png</a></li>
<li><a href="/image/svg">/image/svg</a></li>
</body>
</html>`;

const PERMANENT_REDIRECT_BODY = `<!doctype html>
<head>
<title>Permanent Redirect</title>
</head>
<body>Permanently redirected to <a href="/image/jpeg">/image/jpeg</a>
</body>
</html>`;

const NOT_ACCEPTABLE_BODY = `{
  "message": "Client did not request a supported media type",
  "accept": [
    "image/webp",
    "image/svg+xml",
    "image/jpeg",
    "image/png",
    "image/"
  ]
}
`;

interface Example {
  headers: Array<[string, string]>;
  body?: string;
}

const REDIRECT: Example = { headers: [["Location", REDIRECT_EXAMPLE]] };
/** Codes the status table has no name for (RFC 9110 §15.4.6, §15.5.3, §15.5.8; RFC 2324). */
const USE_PROXY = 305;
const PAYMENT_REQUIRED = 402;
const PROXY_AUTH_REQUIRED = 407;
const TEAPOT = 418;

/** go-httpbin's special cases by status; every other code has no fields and no body. */
const EXAMPLES: ReadonlyMap<number, Example> = new Map<number, Example>([
  [STATUS.MultipleChoices, { headers: [["Location", IMAGE_EXAMPLE]], body: MULTIPLE_CHOICES_BODY }],
  [STATUS.MovedPermanently, REDIRECT],
  [STATUS.Found, REDIRECT],
  [STATUS.SeeOther, REDIRECT],
  [USE_PROXY, REDIRECT],
  [STATUS.TemporaryRedirect, REDIRECT],
  [STATUS.PermanentRedirect, {
    headers: [["Location", IMAGE_EXAMPLE]],
    body: PERMANENT_REDIRECT_BODY,
  }],
  [STATUS.Unauthorized, { headers: [["WWW-Authenticate", FAKE_REALM]] }],
  [PAYMENT_REQUIRED, {
    headers: [["X-More-Info", "http://vimeo.com/22053820"]],
    body: "Fuck you, pay me!",
  }],
  [STATUS.NotAcceptable, { headers: [["Content-Type", JSON_TYPE]], body: NOT_ACCEPTABLE_BODY }],
  [PROXY_AUTH_REQUIRED, { headers: [["Proxy-Authenticate", FAKE_REALM]] }],
  [TEAPOT, {
    headers: [["X-More-Info", "http://tools.ietf.org/html/rfc2324"]],
    body: "I'm a teapot!",
  }],
]);

/**
 * The answer to `/status/<status>`: text/plain (as go-httpbin sets it before anything else,
 * even over the HTML bodies of 300 and 308), plus that status's example fields and body. A 304
 * has no Content-Type: RFC 9110 §15.4.5 asks for no representation metadata there, and Go's
 * server drops the one go-httpbin set.
 */
export function statusExample(status: number): HttpResponse {
  const example = EXAMPLES.get(status);
  const extra = example?.headers ?? [];
  const ownType = extra.find(([n]) => n === "Content-Type");
  const headers: Array<[string, string]> = [
    ...(status === STATUS.NotModified ? [] : [ownType ?? ["Content-Type", TEXT_PLAIN]]),
    ...extra.filter(([n]) => n !== "Content-Type"),
  ];
  return { status, headers, body: example?.body ?? "" };
}
