/**
 * The --help text, pinned: a change to any flag, default or wording shows up here and has to be
 * accepted on purpose (and carried over to docs/flags.md).
 */

import { usageText, versionText } from "../../src/cli/usage.ts";
import { OPTIONS } from "../../src/cli/options.ts";
import { VERSION } from "../../src/version.ts";
import { assert, assertEquals } from "../support/assert.ts";

const GOLDEN = `wireserve 0.1.0: a single-binary HTTP/1.1 file, upload and echo server

Usage: wireserve [DIR] [options]

Serves the web UI at / and the folder DIR (default: the working folder) at /files/.
Every option can also be set by the environment variable shown, or in a .env file in the
working folder: flags win over the environment, the environment over .env, .env over defaults.
  sizes      1024, 64K, 500M, 1.5G, 2G (binary units: K = 1024 bytes, M = 1024 K, ...)
  durations  30 (seconds), 1.5, 500ms, 30s, 5m, 1h
  switches   given as a flag, or in the environment as 1/true/yes/on or 0/false/no/off

Files:
  -d, --directory <dir>           folder shared at /files/ (the same as DIR)
                                  default: . (the working folder) · env: WIRESERVE_DIRECTORY
                                  e.g. --directory ~/Downloads
      --www <dir>                 serve this folder at / instead of the built-in web UI
                                  default: the built-in UI · env: WIRESERVE_WWW · e.g. --www ./site
      --spa                       answer unknown app routes under / with /index.html
                                  default: off · env: WIRESERVE_SPA
      --templates                 render \${…} placeholders in the .html files of --www
                                  default: off · env: WIRESERVE_TEMPLATES
      --dotfiles                  serve and list names starting with a dot (.env, .git)
                                  default: off · env: WIRESERVE_DOTFILES
      --hide <glob>               never list, serve or write paths matching this glob; repeatable
                                  default: none (env: a comma list) · env: WIRESERVE_HIDE
                                  e.g. --hide '*.key' --hide private/
      --follow-symlinks           follow symlinks whose target is outside the shared folder
                                  default: off · env: WIRESERVE_FOLLOW_SYMLINKS
      --cache <duration>          Cache-Control max-age for files (unset: no-cache, revalidate)
                                  default: no-cache · env: WIRESERVE_CACHE · e.g. --cache 1h
      --stat-cache <duration>     how long file facts are trusted before the disk is checked again
                                  default: 1s · env: WIRESERVE_STAT_CACHE · e.g. --stat-cache 0
      --max-listing <count>       most entries a folder listing shows (then marked truncated)
                                  default: 100000 · env: WIRESERVE_MAX_LISTING
                                  e.g. --max-listing 500000

Uploads and changes:
      --max-upload <size>         largest accepted upload (a form: its whole body)
                                  default: 1G · env: WIRESERVE_MAX_UPLOAD · e.g. --max-upload 500M
      --resumable-dir <dir>       where unfinished resumable uploads are kept
                                  default: DIR/.wireserve-uploads · env: WIRESERVE_RESUMABLE_DIR
                                  e.g. --resumable-dir /var/tmp/wireserve
      --resumable-expiry <duration>
                                  how long an untouched unfinished upload is kept
                                  default: 24h · env: WIRESERVE_RESUMABLE_EXPIRY
                                  e.g. --resumable-expiry 2h
      --resumable-max-uploads <count>
                                  most unfinished resumable uploads (429)
                                  default: 1000 · env: WIRESERVE_RESUMABLE_MAX_UPLOADS
                                  e.g. --resumable-max-uploads 50
      --resumable-max-bytes <size>
                                  most bytes of unfinished uploads (413)
                                  default: 100G · env: WIRESERVE_RESUMABLE_MAX_BYTES
                                  e.g. --resumable-max-bytes 20G
      --read-only                 refuse every upload and change (403)
                                  default: off · env: WIRESERVE_READ_ONLY
      --no-overwrite              refuse uploads that would replace a file (409)
                                  default: off · env: WIRESERVE_NO_OVERWRITE
      --allow-delete              allow DELETE (and WebDAV MOVE) under /files/
                                  default: off · env: WIRESERVE_ALLOW_DELETE
      --allow-mkdir               allow creating folders (MKCOL) under /files/
                                  default: off · env: WIRESERVE_ALLOW_MKDIR

Access:
      --auth <user:pass>          Basic credentials required for uploads and changes
                                  default: none · env: WIRESERVE_AUTH · e.g. --auth alice:s3cret
      --token <secret>            Bearer token accepted for uploads and changes
                                  default: none · env: WIRESERVE_TOKEN · e.g. --token 9f2c1e
      --auth-all                  require --auth or --token for reading too
                                  default: off · env: WIRESERVE_AUTH_ALL
      --cors                      allow other web origins (reflects Origin, answers preflight)
                                  default: off · env: WIRESERVE_CORS

Network:
  -p, --port <port>               port to listen on; 0 picks a free one and prints it
                                  default: 8000 · env: WIRESERVE_PORT, PORT · e.g. --port 0
  -H, --host <addr>               address to bind; 0.0.0.0 or :: opens it to the network
                                  default: 127.0.0.1 · env: WIRESERVE_HOST, HOST
                                  e.g. --host 0.0.0.0
      --tls-cert <file>           PEM certificate (chain): serve HTTPS; needs --tls-key
                                  default: none (plain HTTP) · env: WIRESERVE_TLS_CERT
                                  e.g. --tls-cert cert.pem
      --tls-key <file>            PEM private key for --tls-cert
                                  default: none · env: WIRESERVE_TLS_KEY · e.g. --tls-key key.pem
      --idle-timeout <duration>   close a keep-alive connection idle this long
                                  default: 5s · env: WIRESERVE_IDLE_TIMEOUT
                                  e.g. --idle-timeout 30s
      --header-timeout <duration>
                                  time allowed to send a request head (408 past it)
                                  default: 10s · env: WIRESERVE_HEADER_TIMEOUT
                                  e.g. --header-timeout 5s
      --body-timeout <duration>   time a request body may stall between bytes (408)
                                  default: 30s · env: WIRESERVE_BODY_TIMEOUT
                                  e.g. --body-timeout 2m
      --max-connections <n>       connections open at once; past it idle ones make room, else 503
                                  default: 4096 · env: WIRESERVE_MAX_CONNECTIONS
                                  e.g. --max-connections 10000
      --workers <n|auto>          JavaScript threads serving the port; auto = one per CPU (Linux)
                                  default: auto · env: WIRESERVE_WORKERS · e.g. --workers 4
      --shutdown-timeout <duration>
                                  on SIGINT/SIGTERM/SIGHUP, wait this long for requests to end
                                  default: 10s · env: WIRESERVE_SHUTDOWN_TIMEOUT
                                  e.g. --shutdown-timeout 30s

Output:
      --log <format>              access log to stdout: common, combined, json or off
                                  default: common · env: WIRESERVE_LOG · e.g. --log json
      --quiet                     no banner; access log off unless --log is given
                                  default: off · env: WIRESERVE_QUIET

Test endpoints:
      --max-capture <size>        largest body /inspect and /anything capture
                                  default: 1M · env: WIRESERVE_MAX_CAPTURE · e.g. --max-capture 10M
      --max-delay <duration>      longest /delay
                                  default: 10s · env: WIRESERVE_MAX_DELAY · e.g. --max-delay 1m
      --max-generated <size>      largest /bytes, /stream-bytes, /range and /drip
                                  default: 100M · env: WIRESERVE_MAX_GENERATED
                                  e.g. --max-generated 1G
      --allow-external-redirects  let /redirect-to send clients elsewhere
                                  default: off · env: WIRESERVE_ALLOW_EXTERNAL_REDIRECTS

Other:
      --env-file <file>           read variables from this file instead of ./.env
                                  default: .env if present · env: WIRESERVE_ENV_FILE
                                  e.g. --env-file prod.env
  -h, --help                      show this help and exit
  -V, --version                   show the version and exit

Examples:
  wireserve                                 share the working folder on http://127.0.0.1:8000/
  wireserve ~/Music --port 0                share ~/Music on a free port (printed at start)
  wireserve --host 0.0.0.0 --auth me:pw     open to the LAN; uploads need the password
  wireserve --read-only --cors              read-only, callable from any web page
  wireserve --tls-cert cert.pem --tls-key key.pem --port 8443
  PORT=9000 wireserve --quiet --log json    JSON access log only

Put secrets (--auth, --token) in the environment or .env rather than on the command line,
where other users of the machine can see them in the process list.

Exit codes: 0 stopped cleanly; 1 could not start (port in use, folder missing, unreadable
certificate); 2 bad option or value; 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP) when a second
signal forced the exit before in-flight requests finished.
`;

Deno.test("usageText is exactly the pinned help", () => {
  assertEquals(usageText(), GOLDEN);
});

Deno.test("usageText lists every option with its default and environment variables", () => {
  const text = usageText();
  for (const o of OPTIONS) {
    assert(text.includes(`--${o.name}`), o.name);
    for (const name of o.env) assert(text.includes(name), name);
    if (o.example !== undefined) assert(text.includes(`e.g. ${o.example}`), o.name);
  }
});

Deno.test("usageText fits in 100 columns", () => {
  for (const line of usageText().split("\n")) assert(line.length <= 100, line);
});

Deno.test("versionText names the version", () => {
  assertEquals(versionText(), `wireserve ${VERSION}\n`);
});

Deno.test("the README and docs/flags.md name every option", async () => {
  const root = new URL("../../", import.meta.url);
  for (const doc of ["README.md", "docs/flags.md"]) {
    const text = await Deno.readTextFile(new URL(doc, root));
    const missing = OPTIONS.filter((o) => !text.includes(`--${o.name}`)).map((o) => o.name);
    assertEquals(missing, [], `${doc} does not mention these flags`);
  }
});
