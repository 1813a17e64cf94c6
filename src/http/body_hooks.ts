/**
 * What a request body needs from its connection: `100 Continue` before the first read
 * (RFC 9110 §10.1.1), the body-idle clock around each read, and whether that clock fired.
 *
 * This module must not know how bodies are framed or how the connection keeps its clocks.
 * @module
 */

/** What a body needs from its connection. */
export interface BodyHooks {
  /** Called once before the first byte is read (sends `100 Continue` when expected). */
  beforeFirstRead(): Promise<void>;
  /** Arms the body-idle clock before a read may wait on the network. */
  armBodyTimeout(): void;
  /** Disarms it after the read. */
  disarmBodyTimeout(): void;
  /** Whether the body-idle clock fired (a failed read then reports a timeout). */
  timedOut(): boolean;
}
