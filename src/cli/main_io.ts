/**
 * What `main` touches outside itself — stdout, stderr, the stop signals, the working folder, the
 * network interfaces, template variables and whether stdout is a terminal — as one interface,
 * and `denoIo`, the real ones. Tests pass their own, so the whole program runs in-process.
 *
 * This module must not parse options, start a server or exit.
 * @module
 */

import type { InterfaceAddress } from "../app/lan_urls.ts";
import { readProcessVar } from "../app/template_vars.ts";
import type { ByteWriter } from "../log/line_sink.ts";

/**
 * The signals that stop wireserve. SIGHUP is what a closed terminal or SSH session sends: its
 * default action would kill the process at once, cutting requests and leaving temp files.
 */
export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** Everything `main` touches outside itself. */
export interface MainIo {
  /** Banner and access log. */
  stdout: ByteWriter;
  /** Errors, warnings and the shutdown's status lines: everything but the banner and the log. */
  stderr: ByteWriter;
  /** Subscribes to the stop signals; returns the unsubscribe. */
  onSignal(listener: (signal: StopSignal) => void): () => void;
  /** The working folder: relative paths and ./.env resolve against it. */
  cwd: string;
  /** The machine's addresses for the banner; [] when they cannot be read. */
  networkInterfaces(): readonly InterfaceAddress[];
  /**
   * One `WIRESERVE_VAR_*` variable of the process environment, read when a template asks for it
   * (Deno cannot list the variables it may read); undefined when unset or not readable.
   */
  readVar?(name: string): string | undefined;
  /** Whether stdout is a terminal (the banner then draws a QR code); absent: it is not. */
  isTerminal?(): boolean;
}

/** The real `io`: Deno's stdout, stderr, signals, working folder and interfaces. */
export function denoIo(): MainIo {
  return {
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    cwd: Deno.cwd(),
    networkInterfaces: () => Deno.networkInterfaces(),
    readVar: readProcessVar,
    isTerminal: () => Deno.stdout.isTerminal(),
    onSignal(listener) {
      // Windows has neither SIGTERM nor SIGHUP for Deno.addSignalListener (it throws).
      const signals: StopSignal[] = Deno.build.os === "windows"
        ? ["SIGINT"]
        : ["SIGINT", "SIGTERM", "SIGHUP"];
      const handlers = signals.map((s) => [s, () => listener(s)] as const);
      for (const [s, h] of handlers) Deno.addSignalListener(s, h);
      return () => {
        for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
      };
    },
  };
}
