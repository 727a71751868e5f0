import type { FileDiff, Hunk } from "../../src/model.js";
import { scanCLike } from "./words-c.js";
import type { ProseResult } from "./words-c.js";
import { scanDoc } from "./words-doc.js";
import { scanHashComments, scanKconfig } from "./words-script.js";

/**
 * Which prose a file holds, by its path, and the scanner that finds it.
 * Files of other kinds (JSON, binary, generated tables) yield nothing.
 */

export type ProseLanguage = "c" | "hash" | "make" | "kconfig" | "doc" | "none";

const C_LIKE = /\.(c|h|S|lds|dts|dtsi|rs|bpf|cc|cpp|y|l)$/;
const HASH = /\.(sh|bash|py|pl|pm|awk|tc|yaml|yml|tcl|rb|bats|cfg|conf|config|gdb)$/;
const DOC = /\.(rst|txt|md|markdown)$/;
const MAKE = /(^|\/)(Makefile[^/]*|Kbuild[^/]*|[^/]*\.mk)$/;

/** The language of `path`; `firstLine` (a new file's line 1) spots scripts without an extension. */
export function proseLanguage(path: string, firstLine = ""): ProseLanguage {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (/^Kconfig/.test(base)) return "kconfig";
  if (MAKE.test(path)) return "make";
  if (C_LIKE.test(base)) return "c";
  if (HASH.test(base)) return "hash";
  if (DOC.test(base) || /^(README|TODO|CREDITS|MAINTAINERS)/.test(base)) return "doc";
  if (path.startsWith("Documentation/") && !base.includes(".")) return "doc";
  if (firstLine.startsWith("#!")) return "hash";
  return "none";
}

/** The first line of a new file, when the diff shows it (a shebang names the language). */
function firstNewLine(file: FileDiff): string {
  const h = file.hunks[0];
  const l = h?.lines.find((x) => x.newLine === 1);
  return l?.text ?? "";
}

/** Prose spans and code identifiers of one hunk. */
export function scanHunk(hunk: Hunk, file: FileDiff): ProseResult {
  if (file.isBinary || file.isDeleted) return { spans: [], code: [] };
  switch (proseLanguage(file.path, firstNewLine(file))) {
    case "c":
      return scanCLike(hunk.lines);
    case "hash":
      return scanHashComments(hunk.lines, false);
    case "make":
      return scanHashComments(hunk.lines, true);
    case "kconfig":
      return scanKconfig(hunk.lines);
    case "doc":
      return scanDoc(hunk.lines);
    case "none":
      return { spans: [], code: [] };
  }
}
