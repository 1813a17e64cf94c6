/**
 * The private paths of one served folder: the `--hide` patterns, plus the settings file wireserve
 * read (`.env` or `--env-file`) when it lies below that folder, and that file's real path wherever
 * it lies (a followed symlink reaches it outside the folder). That file holds the credentials
 * (`--auth`, `--token`); serving it — and the README's site recipe keeps `.env` in `--www`, with
 * `--dotfiles` a plain GET would — would hand them to anyone. So it is hidden exactly as `--hide`
 * hides a path: never served, listed, searched, zipped, included, PROPFINDed or written, whoever
 * asks and whatever the flags.
 *
 * Every feature that serves or writes a folder builds its {@link HiddenPaths} here, so no copy of
 * the rule can forget the settings file, the resumable uploads' state folder (hidden by its
 * real path: `stateFolderHidden`), or the other served folder (`--www` holding the share, or the
 * share holding `--www`), whose anchored patterns hide from its own top what it shares with this
 * one (`servedFolderOverlaps`).
 *
 * This module reads the disk (real paths, once per served folder at start); it must not know HTTP.
 * @module
 */

import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import type { AppConfig } from "./app_config.ts";
import {
  HiddenPaths,
  nameRulesFor,
  type OverlappingRoot,
  type RealFolder,
} from "./hidden_paths.ts";
import { realPathOr, realPathThroughAncestors } from "./real_path_inside.ts";
import { stateFolderOf } from "./state_folder.ts";

/** The private paths of the folder `root` serves, for `config`. */
export function hiddenPathsFor(config: AppConfig, root: string): HiddenPaths {
  const secrets = config.secretFiles.flatMap((file) => secretPathsBelow(file, root));
  // By real path too: with --follow-symlinks a link inside the root reaches a settings file
  // outside it (or the target of a settings file that is itself a link), where no segment
  // below the root can name it.
  const reals = config.secretFiles.map(realPathOr);
  return new HiddenPaths(
    config.hide,
    nameRulesFor(),
    secrets,
    reals,
    [stateFolderHidden(config, root)],
    servedFolderOverlaps(config, root),
  );
}

/**
 * The served folders besides `root` (the shared folder; `--www` unless it is the built-in UI,
 * which `--hide` does not touch), by real paths: `--www site --directory site/dl --hide /drafts`
 * must hide `site/dl/drafts` at `/dl/drafts/` as at `/files/drafts/`, by every spelling and
 * through links. Resolved once at start; with no `--hide` pattern there is nothing to add.
 */
function servedFolderOverlaps(config: AppConfig, root: string): OverlappingRoot[] {
  if (config.hide.length === 0) return [];
  const ownRealPath = realPathOr(root);
  const served = config.www === null ? [config.directory] : [config.directory, config.www];
  return served.map((folder) => ({ realPath: realPathOr(folder), ownRealPath }))
    .filter((o) => o.realPath !== ownRealPath);
}

/**
 * The resumable uploads' state folder, hidden by its real path with everything in it: partial
 * uploads, their records, and ids that are capabilities. Below the share it has the reserved name,
 * which the name rules refuse; but a link followed with `--follow-symlinks` reaches it under any
 * name, wherever `--resumable-dir` put it (and the `--www` root's links reach the default one).
 * A folder not made yet is resolved through its nearest existing folder, as `mkdir` will make it.
 * A shared folder inside the state folder (`--resumable-dir /srv`, `--directory /srv/share`)
 * stays served: only the rest of the state folder is hidden.
 */
function stateFolderHidden(config: AppConfig, root: string): RealFolder {
  const state = realPathThroughAncestors(stateFolderOf(config));
  const realRoot = realPathOr(root);
  return { path: state, except: isInside(realRoot, state) ? realRoot : undefined };
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The segments below `root` of every spelling of `file` inside it, by real paths (a symlinked
 * root or folder on the way does not hide the overlap): the file's real path, so a link to it is
 * as private as it is, and its own name in its real folder, so that when the settings file is
 * itself a link the link is private too (its target may lie outside, where no pattern reaches).
 */
export function secretPathsBelow(file: string, root: string): string[][] {
  const realRoot = realPathOr(root);
  const spellings = new Set([realPathOr(file), join(realPathOr(dirname(file)), basename(file))]);
  const out: string[][] = [];
  for (const path of spellings) {
    const rel = relative(realRoot, path);
    // the root itself is a folder, never the file read; outside the root no segment names it
    // (a followed link that reaches it there is refused by real path: see hiddenPathsFor)
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) continue;
    out.push(rel.split(sep));
  }
  return out;
}
