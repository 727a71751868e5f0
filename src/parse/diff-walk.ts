import type { DiffLine, Hunk } from "../model.js";

/**
 * A one-pass walk over the diff part of a patch mail, straight from the text
 * to our hunks and lines: `indexOf` finds line ends, the first character of a
 * line decides what it is, and only header lines (a few per file) are cut out
 * and matched by regex. It reads diffs exactly as parse-diff 0.12 did, quirks
 * included (test/parse/diff-walk.test.ts checks that against parse-diff):
 *
 * - a hunk's body is as many lines as its `@@` counts say; when the lines run
 *   out of step with the counts (more `-` lines than announced), the rest of
 *   the diff is hunk body, `diff --git` lines included;
 * - an empty line, or any line not starting with `-`, `+` or the exact
 *   `\ No newline at end of file`, is a context line inside a hunk body;
 * - between hunks only `diff`, mode, `index`, `---`, `+++`, `@@` lines count;
 *   everything else (a `-- ` signature, git's version line) is skipped.
 */

/** One file section of the diff, before diff.ts decides its paths. */
export interface WalkedFile {
  /** Old-side name (one `a/`-like prefix removed); undefined when no line named it. */
  from: string | undefined;
  /** New-side name, likewise. */
  to: string | undefined;
  /** A `new file mode` line was seen. */
  created: boolean;
  /** A `deleted file mode` line was seen. */
  deleted: boolean;
  hunks: Hunk[];
}

/** What the walk found. */
export interface DiffWalk {
  files: WalkedFile[];
  /**
   * Every line after the first that starts with `+++ `, as sent, in order
   * (an added line `++ x` included): diff.ts takes each path's first one as
   * its quotable `+++` line.
   */
  plusLines: string[];
}

/** Thrown for the one text the walk rejects; diff.ts turns it into BAD_DIFF. */
export class DiffWalkError extends Error {}

const NO_NEWLINE = "\\ No newline at end of file";
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const SLASH = 0x2f;
const SPACE = 0x20;

const DIFF_LINE = /^diff\s/;
const NEW_FILE = /^new file mode \d+$/;
const DELETED_FILE = /^deleted file mode \d+$/;
const MODE_LINE = /^(?:old|new) mode \d+$/;
const INDEX_LINE = /^index\s[\da-zA-Z]+\.\.[\da-zA-Z]+(?:\s\d+)?$/;
const OLD_MARKER = /^---\s/;
const NEW_MARKER = /^\+\+\+\s/;
/** A hunk header; a missing count is 1. Two spaces before the closing `@@` make it no header. */
const HUNK_HEADER = /^@@\s+-(\d+),?(\d*)\s+\+(\d+),?(\d*)\s@@/;
/** A line separator for a regex `.`: in a hunk header's function context it means there is none. */
const SEPARATOR = /[\n\r\u2028\u2029]/;
/** Where a `---`/`+++` name ends: at a tab, or at a diff(1) time stamp. */
const NAME_END = /\t|\d{4}-\d\d-\d\d\s\d\d:\d\d:\d\d(?:.\d+)?\s[+-]\d{4}/;

/** A line separator for a regex `.` (as SEPARATOR): a name on a `diff` line never spans one. */
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
 * the diff): an old name runs from a tag (`a/`) to the last place in its run
 * of characters where a new name starts; a new name (`b/`) runs to the end of
 * the line. Each run is searched once from its end, so a hostile line of
 * `a/a/a/...` costs linear time.
 */
function namesOnDiffLine(line: string): [string | undefined, string | undefined] {
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

/** The name on a `---`/`+++` line: marker, time stamp, one pair of quotes and a tag prefix removed. */
function nameOnMarkerLine(line: string): string {
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

/**
 * git's function context: what follows the header's closing `@@` (and one
 * space), trimmed; none when it holds a line separator.
 */
function functionContextOf(header: string, closeEnd: number): string {
  const from = header.charCodeAt(closeEnd) === SPACE ? closeEnd + 1 : closeEnd;
  if (from >= header.length) return "";
  const rest = header.slice(from);
  return SEPARATOR.test(rest) ? "" : rest.trim();
}

/** Whether the line at `p` starts with `+++ ` (its first character known to be `+`). */
function isPlusMarker(text: string, p: number): boolean {
  return text.charCodeAt(p + 1) === PLUS && text.charCodeAt(p + 2) === PLUS && text.charCodeAt(p + 3) === SPACE;
}

/** A hunk count as written; a missing one means 1. */
function countOf(digits: string | undefined): number {
  return digits ? Number(digits) : 1;
}

/**
 * Walks `diff` (the diff part of a body, `\r\n` already made `\n`) into file
 * sections. A line longer than `maxLineLength` characters after its prefix
 * keeps `raw` but gets `text` "".
 *
 * @throws DiffWalkError when `\ No newline at end of file` directly follows a
 *   hunk header: there is no line it could belong to.
 */
export function walkDiff(diff: string, maxLineLength: number): DiffWalk {
  const files: WalkedFile[] = [];
  const plusLines: string[] = [];
  let file: WalkedFile | null = null;
  let hunk: Hunk | null = null;
  let hunkHasLines = false;
  // Inside a hunk body while `inBody`: the counts of old and new lines still due.
  let inBody = false;
  let oldDue = 0;
  let newDue = 0;
  let oldLine = 0;
  let newLine = 0;
  let lineNo = 0;

  const startFile = (from: string | undefined, to: string | undefined): WalkedFile => {
    const f: WalkedFile = { from, to, created: false, deleted: false, hunks: [] };
    files.push(f);
    return f;
  };
  // A header line after a file's hunks starts the next file.
  const currentFile = (): WalkedFile => (file === null || file.hunks.length > 0 ? (file = startFile(undefined, undefined)) : file);

  for (let p = 0; p <= diff.length;) {
    const eol = diff.indexOf("\n", p);
    const end = eol < 0 ? diff.length : eol;
    lineNo++;
    const c = p < end ? diff.charCodeAt(p) : -1;
    if (inBody && hunk !== null) {
      if (c === BACKSLASH && end - p === NO_NEWLINE.length && diff.startsWith(NO_NEWLINE, p)) {
        if (!hunkHasLines) throw new DiffWalkError(`"${NO_NEWLINE}" right after the hunk header, line ${lineNo}`);
      } else {
        hunkHasLines = true;
        let line: DiffLine | null = null;
        if (c === MINUS) {
          const raw = diff.slice(p, end);
          line = { kind: "del", text: textOf(raw, maxLineLength), raw, newLine: null, oldLine: oldLine++ };
          oldDue--;
        } else if (c === PLUS) {
          const raw = diff.slice(p, end);
          line = { kind: "add", text: textOf(raw, maxLineLength), raw, newLine: newLine++, oldLine: null };
          newDue--;
          if (isPlusMarker(diff, p)) plusLines.push(raw);
        } else {
          // Any other line is context; one starting with `\` is a marker, not code, but still counts.
          if (c !== BACKSLASH) {
            const raw = diff.slice(p, end);
            line = { kind: "ctx", text: textOf(raw, maxLineLength), raw, newLine, oldLine };
          }
          oldLine++;
          newLine++;
          oldDue--;
          newDue--;
        }
        if (line !== null) hunk.lines.push(line);
      }
      if (oldDue === 0 && newDue === 0) inBody = false;
    } else if (c === 0x40 /* @ */) {
      const header = diff.slice(p, end);
      const m = HUNK_HEADER.exec(header);
      if (m !== null) {
        if (file === null) {
          const [from, to] = namesOnDiffLine(header);
          file = startFile(from, to);
        }
        oldLine = Number(m[1]);
        newLine = Number(m[3]);
        oldDue = countOf(m[2]);
        newDue = countOf(m[4]);
        hunk = {
          header,
          oldStart: oldLine,
          oldLines: oldDue,
          newStart: newLine,
          newLines: newDue,
          functionContext: functionContextOf(header, m[0].length),
          lines: [],
        };
        file.hunks.push(hunk);
        hunkHasLines = false;
        inBody = true;
      }
    } else if (c === BACKSLASH) {
      // Between hunks the marker belongs to the hunk before; it changes nothing.
      if (hunk !== null && !hunkHasLines && diff.startsWith(NO_NEWLINE, p) && end - p === NO_NEWLINE.length) {
        throw new DiffWalkError(`"${NO_NEWLINE}" right after the hunk header, line ${lineNo}`);
      }
    } else if (c === 0x64 /* d */ || c === 0x6e /* n */ || c === 0x6f /* o */ || c === 0x69 /* i */ || c === MINUS || c === PLUS) {
      const line = diff.slice(p, end);
      headerLine(line);
      if (c === PLUS && p > 0 && isPlusMarker(diff, p)) plusLines.push(line);
    }
    if (eol < 0) break;
    p = eol + 1;
  }
  return { files, plusLines };

  function headerLine(line: string): void {
    if (DIFF_LINE.test(line)) {
      const [from, to] = namesOnDiffLine(line);
      file = startFile(from, to);
    } else if (NEW_FILE.test(line)) {
      const f = currentFile();
      f.created = true;
      f.from = "/dev/null";
    } else if (DELETED_FILE.test(line)) {
      const f = currentFile();
      f.deleted = true;
      f.to = "/dev/null";
    } else if (MODE_LINE.test(line) || INDEX_LINE.test(line)) {
      currentFile();
    } else if (OLD_MARKER.test(line)) {
      currentFile().from = nameOnMarkerLine(line);
    } else if (NEW_MARKER.test(line)) {
      currentFile().to = nameOnMarkerLine(line);
    }
  }
}

/** A line's text for the rules: without its prefix, or "" when over-long (kept as sent in `raw`). */
function textOf(raw: string, maxLineLength: number): string {
  return raw.length - 1 > maxLineLength ? "" : raw.slice(1);
}
