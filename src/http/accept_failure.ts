/**
 * What a failed `accept` means for the accept loop. Two failures look alike but are not:
 *
 * - **Out of resources** (EMFILE, ENFILE: no descriptor left; ENOBUFS, ENOMEM: no socket memory):
 *   the next accept will fail the same way until something is freed, so the loop backs off and
 *   logs the episode once.
 * - **That one connection is gone**: a client that connected and reset before we accepted it
 *   (ECONNABORTED; ECONNRESET; ENOTCONN, which Deno reports when the peer address of a reset
 *   socket is asked for — probed with SO_LINGER 0 closes) or one that Linux's accept(2) hands
 *   over with a pending network error (EPROTO, ENETDOWN, EHOSTUNREACH, …; EPERM from a firewall
 *   rule). The next connection in the backlog is unaffected: backing off would make every client
 *   queued behind a burst of resets wait (20 resets cost 14 s of doubling pauses), so the loop
 *   accepts again at once and logs nothing: the failure is the client's, not the server's.
 *
 * Anything else is unknown: the loop backs off from it too, since skipping a failure that keeps
 * coming back at once would spin the loop.
 *
 * This module must not know routes, nor anything of a connection once accepted.
 * @module
 */

/** What the accept loop does about a failed accept. */
export type AcceptFailureKind = "connection-gone" | "out-of-resources" | "unknown";

/** The errno names of running out of descriptors or socket memory. */
const OUT_OF_RESOURCES_CODES: ReadonlySet<string> = new Set([
  "EMFILE",
  "ENFILE",
  "ENOBUFS",
  "ENOMEM",
]);

/**
 * The errno names of a connection that went away before it was accepted, and the pending network
 * errors Linux's accept(2) says to treat "like EAGAIN by retrying".
 */
const CONNECTION_GONE_CODES: ReadonlySet<string> = new Set([
  "ECONNABORTED",
  "ECONNRESET",
  "ENOTCONN",
  "EPROTO",
  "EPERM",
  "ENETDOWN",
  "ENETUNREACH",
  "ENOPROTOOPT",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "ENONET",
  "EOPNOTSUPP",
]);

/** Sorts a failed accept into what the accept loop does about it (see the module doc). */
export function classifyAcceptFailure(err: unknown): AcceptFailureKind {
  if (
    err instanceof Deno.errors.ConnectionReset || err instanceof Deno.errors.ConnectionAborted ||
    err instanceof Deno.errors.NotConnected
  ) return "connection-gone";
  const code = typeof err === "object" && err !== null
    ? (err as { code?: unknown }).code
    : undefined;
  if (typeof code !== "string") return "unknown";
  if (OUT_OF_RESOURCES_CODES.has(code)) return "out-of-resources";
  if (CONNECTION_GONE_CODES.has(code)) return "connection-gone";
  return "unknown";
}
