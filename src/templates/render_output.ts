/**
 * What one render produces besides walking nodes: the page text, bounded by MAX_RENDERED_CHARS;
 * each problem as an error box in the page and a line for the log; the files and folders read,
 * with their tags, for the render cache; and whether the page is a 404.
 *
 * The 404 rule lives here: a path chosen by a request value (`{request.query.p}`) that is
 * refused or names a missing file makes the page a 404 — the visitor asked for something that is
 * not there — while the same problem in a path the owner wrote is an error box. Error texts name
 * web-root paths, never paths on the server.
 *
 * This module must not read files or know the template language.
 * @module
 */

import { MAX_RENDERED_CHARS } from "./template_limits.ts";
import type { FilledPath } from "./template_values.ts";
import { errorBox } from "./error_box.ts";

/** Something a render read, and its tag at the time (null: it was missing). */
export interface Dependency {
  kind: "file" | "folder";
  fsPath: string;
  tag: string | null;
  /** For a folder: the `ext` its files were chosen by (the tag is of those files only). */
  ext?: string | null;
}

/** A rendered page and what it depended on. */
export interface RenderResult {
  html: string;
  /** Files and folders read, with their tags. */
  dependencies: Dependency[];
  /** Whether `${request.path}` was used. */
  usesPath: boolean;
  /** The query names used (`${request.query.NAME}`). */
  queryNames: string[];
  /** Whether a file named through a request value is missing: the page is then a 404. */
  notFound: boolean;
  /** Problems shown as error boxes, one line each, for the log. */
  errors: string[];
}

/** Where in which file a node sits, for messages. */
export interface Frame {
  /** The file's web-root path (`/partials/head.html`). */
  file: string;
  /** The fs paths of the includes open above this one, for cycles. */
  chain: readonly string[];
  depth: number;
}

/** The request parts a render used (`TemplateValues` keeps them). */
interface UsedInputs {
  readonly usesPath: boolean;
  readonly queryNames: ReadonlySet<string>;
}

/** The output and record of one render. */
export class RenderOutput {
  readonly #out: string[] = [];
  #chars = 0;
  #stopped = false;
  #notFound = false;
  readonly #dependencies = new Map<string, Dependency>();
  readonly #errors: string[] = [];

  /** Whether the render is over: stopped by a bound, or a 404. Nothing more is walked. */
  get ended(): boolean {
    return this.#stopped || this.#notFound;
  }

  /** Appends `text` to the page, unless that passes MAX_RENDERED_CHARS: then the render stops. */
  write(text: string): void {
    if (this.#stopped) return;
    if (this.#chars + text.length > MAX_RENDERED_CHARS) {
      this.#stopped = true;
      const message = `the page is longer than ${MAX_RENDERED_CHARS} characters`;
      this.#errors.push(message);
      this.#out.push(errorBox(message));
      return;
    }
    this.#chars += text.length;
    this.#out.push(text);
  }

  /** A problem of the whole page (`message` says where): a box and a log line. */
  problem(message: string): void {
    this.#errors.push(message);
    this.write(errorBox(message));
  }

  /** A problem at `line` of `frame`'s file: a box and a log line. */
  fail(frame: Frame, line: number, message: string): void {
    this.problem(`${frame.file} line ${line}: ${message}`);
  }

  /** Stops the render (a bound was passed): nothing more is walked or written. */
  stop(): void {
    this.#stopped = true;
  }

  /** A path whose value is unusable: a 404 when the request chose it, else the owner's error. */
  refuse(filled: Extract<FilledPath, { ok: false }>, frame: Frame, line: number): void {
    if (filled.fromRequest) this.#notFound = true;
    else this.fail(frame, line, filled.message);
  }

  /**
   * A path that names nothing usable (`problem`: "missing", "too large"): a 404 when the request
   * chose a missing file, else the owner's error, about `what` (`include /x.html`).
   */
  missing(
    filled: Extract<FilledPath, { ok: true }>,
    problem: string,
    what: string,
    frame: Frame,
    line: number,
  ): void {
    if (filled.fromRequest && problem === "missing") this.#notFound = true;
    else this.fail(frame, line, `${what}: ${problem}`);
  }

  /** The page is a 404 (its own file is gone). */
  notFound(): void {
    this.#notFound = true;
  }

  /**
   * Notes that the render read `fsPath` (the first read's tag is kept); a folder once per `ext`,
   * since each chooses its own first files.
   */
  depend(kind: "file" | "folder", fsPath: string, tag: string | null, ext?: string | null): void {
    const key = kind === "folder" ? `${kind}:${ext ?? ""}\0${fsPath}` : `${kind}:${fsPath}`;
    if (!this.#dependencies.has(key)) {
      this.#dependencies.set(
        key,
        kind === "folder" ? { kind, fsPath, tag, ext } : { kind, fsPath, tag },
      );
    }
  }

  /** The result, with the request parts the render's values used. */
  result(used: UsedInputs): RenderResult {
    return {
      html: this.#out.join(""),
      dependencies: [...this.#dependencies.values()],
      usesPath: used.usesPath,
      queryNames: [...used.queryNames],
      notFound: this.#notFound,
      errors: this.#errors,
    };
  }
}
