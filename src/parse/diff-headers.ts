import type { Hunk } from "../model.js";

/**
 * The few lines of a diff that are cut out and read in full (diff-walk.ts
 * decides which): the names on a `diff` line and on `---`/`+++` lines, and
 * hunk headers. Each is read as parse-diff 0.12 did. git's own name lines
 * (`diff --git a/x b/y`, `--- a/x` with names free of blanks and quotes) are
 * read by one regex that gives the same names as the general reading, which
 * serves every other form (test/parse/diff-walk.test.ts holds both to
 * parse-diff). Regexes, not character loops: on short lines the compiled
 * regex is two to three times faster than a charCodeAt loop.
 */

const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const SLASH = 0x2f;
const SPACE = 0x20;

/**
 * A hunk header; a missing count is 1. Two spaces before the closing `@@`
 * make it no header. The optional tail is git's function context: what
 * follows the `@@` and one space, when it holds no line separator (one that
 * does means there is none; the tail then matches nothing, the header still
 * does).
 */
const HUNK_HEADER = /^@@\s+-(\d+),?(\d*)\s+\+(\d+),?(\d*)\s@@(?: ?([^\n\r\u2028\u2029]*)$)?/;
/** Where a `---`/`+++` name ends: at a tab, or at a diff(1) time stamp. */
const NAME_END = /\t|\d{4}-\d\d-\d\d\s\d\d:\d\d:\d\d(?:.\d+)?\s[+-]\d{4}/;
/**
 * git's `diff --git a/x b/y` with both names plain (printable ASCII but
 * space and quotes): the one space before `b/` splits them, which is where
 * the general reading splits too.
 */
const PLAIN_GIT_LINE = /^diff --git a\/([!#-&(-~]+) b\/([!#-&(-~]+)$/;
/** `--- a/x` or `+++ b/x` (any tag) with a plain name: nothing to trim, no tab, time stamp or quote. */
const PLAIN_MARKER_LINE = /^(?:---|\+\+\+) [abiwco12]\/[!#-&(-~]+$/;

/** A line separator for a regex `.`: a name on a `diff` line never spans one. */
function isSeparator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27;
}

/** The prefixes git may put on an old-side name: a/, i/, w/, c/, o/, 1/, 2/. */
function isOldTag(c: number): boolean {
  return c === 0x61 || isSharedTag(c);
}

/** The prefixes git may put on a new-side name: b/, i/, w/, c/, o/, 1/, 2/. */
function isNewTag(c: number): boolean {
  return c === 0x62 || isSharedTag(c);
}

function isSharedTag(c: number): boolean {
  return c === 0x69 || c === 0x77 || c === 0x63 || c === 0x6f || c === 0x31 || c === 0x32;
}

/** Whether a new-side name (` b/`, optionally quoted: `" "b/`) starts at `q`. */
function newNameAt(line: string, q: number): boolean {
  let r: number;
  if (isQuote(line.charCodeAt(q)) && line.charCodeAt(q + 1) === SPACE) r = q + 2;
  else if (line.charCodeAt(q) === SPACE) r = q + 1;
  else return false;
  if (isQuote(line.charCodeAt(r))) r++;
  return isNewTag(line.charCodeAt(r)) && line.charCodeAt(r + 1) === SLASH;
}

/** A name cut from a `diff` line: its tag prefix and one closing quote removed. */
function cleanName(name: string): string {
  return isQuote(name.charCodeAt(name.length - 1)) ? name.slice(2, -1) : name.slice(2);
}

/**
 * The old and new names on a `diff` line (or on a stray `@@` line that opens
 * the diff). Most lines are git's `diff --git a/x b/y` with names free of
 * blanks and quotes (PLAIN_GIT_LINE).
 */
export function namesOnDiffLine(line: string): [string | undefined, string | undefined] {
  const plain = PLAIN_GIT_LINE.exec(line);
  return plain === null ? namesOnAnyDiffLine(line) : [plain[1], plain[2]];
}

/**
 * The names on any `diff` line: an old name runs from a tag (`a/`) to the
 * last place in its run of characters where a new name starts; a new name
 * (`b/`) runs to the end of the line. Each run is searched once from its
 * end, so a hostile line of `a/a/a/...` costs linear time.
 */
function namesOnAnyDiffLine(line: string): [string | undefined, string | undefined] {
  const names: string[] = [];
  const n = line.length;
  let runEnd = -1;
  let lastNewName = -1;
  for (let p = 0; p + 1 < n && names.length < 2;) {
    if (p >= runEnd) {
      if (isSeparator(line.charCodeAt(p))) {
        p++;
        continue;
      }
      runEnd = p;
      while (runEnd < n && !isSeparator(line.charCodeAt(runEnd))) runEnd++;
      lastNewName = -1;
      for (let q = runEnd - 1; q >= p; q--) {
        if (newNameAt(line, q)) {
          lastNewName = q;
          break;
        }
      }
    }
    if (line.charCodeAt(p + 1) === SLASH) {
      const c = line.charCodeAt(p);
      if (isOldTag(c) && lastNewName >= p + 2) {
        names.push(cleanName(line.slice(p, lastNewName)));
        p = lastNewName;
        continue;
      }
      if (isNewTag(c) && runEnd === n) {
        names.push(cleanName(line.slice(p)));
        break;
      }
    }
    p++;
  }
  return [names[0], names[1]];
}

/**
 * The name on a `---`/`+++` line: marker, time stamp, one pair of quotes and
 * a tag prefix removed. git's `--- a/x` with a plain name is the name after
 * the tag as it stands (nothing to trim, no tab or time stamp, no quote).
 */
export function nameOnMarkerLine(line: string): string {
  if (PLAIN_MARKER_LINE.test(line)) return line.slice(6);
  let s = 0;
  while (line.charCodeAt(s) === MINUS || line.charCodeAt(s) === PLUS) s++;
  let name = line.slice(s).trim();
  const end = name.search(NAME_END);
  if (end >= 0) name = name.slice(0, end).trim();
  const n = name.length;
  let from = 0;
  if (name.charCodeAt(0) === BACKSLASH && isQuote(name.charCodeAt(1))) from = 2;
  else if (isQuote(name.charCodeAt(0))) from = 1;
  let to = n;
  if (n - 2 >= from && name.charCodeAt(n - 2) === BACKSLASH && isQuote(name.charCodeAt(n - 1))) to = n - 2;
  else if (n - 1 >= from && isQuote(name.charCodeAt(n - 1))) to = n - 1;
  const bare = from === 0 && to === n ? name : name.slice(from, to);
  const tagged = (isOldTag(bare.charCodeAt(0)) || bare.charCodeAt(0) === 0x62) && bare.charCodeAt(1) === SLASH;
  return tagged ? bare.slice(2) : bare;
}

/** The hunk a header line opens (with no lines yet), or null when it is no header. */
export function hunkOfHeader(header: string): Hunk | null {
  const m = HUNK_HEADER.exec(header);
  if (m === null) return null;
  return {
    header,
    oldStart: Number(m[1]),
    oldLines: countOf(m[2]),
    newStart: Number(m[3]),
    newLines: countOf(m[4]),
    functionContext: m[5]?.trim() ?? "",
    lines: [],
  };
}

/** A hunk count as written; a missing one means 1. */
function countOf(digits: string | undefined): number {
  return digits ? Number(digits) : 1;
}
