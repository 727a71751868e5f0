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

/** Lines of shell, Python or Perl code. */
const SCRIPT_SYNTAX =
  /^\s*(if \[|if \[\[|then$|fi$|elif |else$|do$|done\b|esac$|case .* in$|local |export |readonly |declare |shift\b|set -|echo |printf |source |def |import |from \w+ import|my [$@%]|use strict|sub \w+)|^\s*[\w-]+\(\)\s*\{?$|\$\{?\w|\[\[ |^\s*(for|while|if|elif|with|try|except|class)\b[^;{]*:$/;
/** Lines only C (or the C preprocessor) has: a `#include` looks like a comment to a `#` language. */
const C_SYNTAX = /^\s*#\s*include\s*[<"]|^\s*#\s*define\s+[A-Z_]|^\s*#(if|ifdef|ifndef|elif|else|endif|undef|pragma)\b|^\s*\/\*|^\s*\*\/|^\s*\/\//;

/**
 * The language of an extensionless script under `scripts/` or `tools/`
 * whose shebang the diff may not show, from the lines it does show:
 * `#` comments and shell/Python/Perl syntax, and nothing only C has.
 */
function scriptByContent(path: string, sample: readonly string[]): boolean {
  if (!/^(scripts|tools)\//.test(path) || sample.length === 0) return false;
  let comments = 0;
  let syntax = 0;
  for (const l of sample) {
    if (C_SYNTAX.test(l)) return false;
    if (/^\s*#(\s|$)/.test(l)) comments++;
    else if (SCRIPT_SYNTAX.test(l)) syntax++;
  }
  return comments >= 1 && syntax >= 2;
}

/**
 * The language of `path`; `firstLine` (a new file's line 1) spots scripts
 * without an extension, and `sample` (the lines the diff shows) does when
 * line 1 is not in the diff.
 */
export function proseLanguage(path: string, firstLine = "", sample: readonly string[] = []): ProseLanguage {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (base.startsWith("Kconfig")) return "kconfig";
  if (MAKE.test(path)) return "make";
  if (C_LIKE.test(base)) return "c";
  if (HASH.test(base)) return "hash";
  if (DOC.test(base) || /^(README|TODO|CREDITS|MAINTAINERS)/.test(base)) return "doc";
  if (path.startsWith("Documentation/") && !base.includes(".")) return "doc";
  if (firstLine.startsWith("#!")) return "hash";
  if (!base.includes(".") && scriptByContent(path, sample)) return "hash";
  return "none";
}

/** The first line of a new file, when the diff shows it (a shebang names the language). */
function firstNewLine(file: FileDiff): string {
  const h = file.hunks[0];
  const l = h?.lines.find((x) => x.newLine === 1);
  return l?.text ?? "";
}

/** The lines a file's diff shows on the new side, for telling its language by content. */
function shownLines(file: FileDiff): string[] {
  const out: string[] = [];
  for (const h of file.hunks) for (const l of h.lines) if (l.kind !== "del" && out.length < 400) out.push(l.text);
  return out;
}

/** The prose language of a file of the diff ("none" for a binary or deleted file). */
export function fileLanguage(file: FileDiff): ProseLanguage {
  if (file.isBinary || file.isDeleted) return "none";
  // The path alone decides for most files, and its answer comes first: only then are the lines read.
  const byPath = proseLanguage(file.path);
  if (byPath !== "none") return byPath;
  const base = file.path.slice(file.path.lastIndexOf("/") + 1);
  // Only an extensionless file needs its lines read to tell its language.
  const sample = base.includes(".") ? [] : shownLines(file);
  return proseLanguage(file.path, firstNewLine(file), sample);
}

/**
 * Appends the prose spans and code of one hunk of a file in `language`
 * (fileLanguage, worked out once per file) to `out`, which it returns.
 */
export function scanHunk(hunk: Hunk, language: ProseLanguage, out: ProseResult = { spans: [], code: [] }): ProseResult {
  switch (language) {
    case "c":
      return scanCLike(hunk.lines, out);
    case "hash":
      return scanHashComments(hunk.lines, false, out);
    case "make":
      return scanHashComments(hunk.lines, true, out);
    case "kconfig":
      return scanKconfig(hunk.lines, out);
    case "doc":
      return scanDoc(hunk.lines, out);
    case "none":
      return out;
  }
}
