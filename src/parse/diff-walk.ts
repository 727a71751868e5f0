import type { DiffLine, Hunk, LineKind } from "../model.js";
import { hunkOfHeader, nameOnMarkerLine, namesOnDiffLine } from "./diff-headers.js";

/**
 * A one-pass walk over the diff part of a patch mail, straight from the text
 * to our hunks and lines: `indexOf` finds line ends, the first character of a
 * line decides what it is, and only header lines (a few per file) are cut out
 * and read (diff-headers.ts). It reads diffs exactly as parse-diff 0.12 did, quirks
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
const SPACE = 0x20;

const DIFF_LINE = /^diff\s/;
const NEW_FILE = /^new file mode \d+$/;
const DELETED_FILE = /^deleted file mode \d+$/;
const MODE_LINE = /^(?:old|new) mode \d+$/;
const INDEX_LINE = /^index\s[\da-zA-Z]+\.\.[\da-zA-Z]+(?:\s\d+)?$/;
const OLD_MARKER = /^---\s/;
const NEW_MARKER = /^\+\+\+\s/;

/** Whether the line at `p` starts with `+++ ` (its first character known to be `+`). */
function isPlusMarker(text: string, p: number): boolean {
  return text.charCodeAt(p + 1) === PLUS && text.charCodeAt(p + 2) === PLUS && text.charCodeAt(p + 3) === SPACE;
}

/**
 * Walks the diff part of a body (`\r\n` already made `\n`), `diff` from
 * offset `start` (a line start) on, into file sections. A line longer than
 * `maxLineLength` characters after its prefix keeps `raw` but gets `text` "".
 * Taking the whole body and an offset instead of a slice lets every line
 * search and character test run on the body's own flat string.
 *
 * @throws DiffWalkError when `\ No newline at end of file` directly follows a
 *   hunk header: there is no line it could belong to.
 */
export function walkDiff(diff: string, maxLineLength: number, start = 0): DiffWalk {
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
  // The current hunk's lines, gathered here and copied out at their final size when its body ends.
  const scratch: WalkedLine[] = [];
  let count = 0;

  const startFile = (from: string | undefined, to: string | undefined): WalkedFile => {
    const f: WalkedFile = { from, to, created: false, deleted: false, hunks: [] };
    files.push(f);
    return f;
  };
  // A header line after a file's hunks starts the next file.
  const currentFile = (): WalkedFile => (file === null || file.hunks.length > 0 ? (file = startFile(undefined, undefined)) : file);

  for (let p = start; p <= diff.length;) {
    const eol = diff.indexOf("\n", p);
    const end = eol < 0 ? diff.length : eol;
    lineNo++;
    const c = p < end ? diff.charCodeAt(p) : -1;
    if (inBody && hunk !== null) {
      if (c === BACKSLASH && end - p === NO_NEWLINE.length && diff.startsWith(NO_NEWLINE, p)) {
        if (!hunkHasLines) throw new DiffWalkError(`"${NO_NEWLINE}" right after the hunk header, line ${lineNo}`);
      } else {
        hunkHasLines = true;
        // The line as sent is kept only when it is not its kind's prefix and its text: when over-long
        // (text ""), or a context line sent without its space (blank, or mangled by a mailer).
        const long = end - p - 1 > maxLineLength;
        const text = long ? "" : diff.slice(p + 1, end);
        const sent = long || (c !== SPACE && c !== MINUS && c !== PLUS) ? diff.slice(p, end) : null;
        if (c === MINUS) {
          scratch[count++] = new WalkedLine("del", text, null, oldLine++, sent);
          oldDue--;
        } else if (c === PLUS) {
          scratch[count++] = new WalkedLine("add", text, newLine++, null, sent);
          newDue--;
          if (isPlusMarker(diff, p)) plusLines.push(diff.slice(p, end));
        } else {
          // Any other line is context; one starting with `\` is a marker, not code, but still counts.
          if (c !== BACKSLASH) scratch[count++] = new WalkedLine("ctx", text, newLine, oldLine, sent);
          oldLine++;
          newLine++;
          oldDue--;
          newDue--;
        }
      }
      if (oldDue === 0 && newDue === 0) {
        inBody = false;
        hunk.lines = scratch.slice(0, count);
      }
    } else if (c === 0x40 /* @ */) {
      const header = diff.slice(p, end);
      const opened = hunkOfHeader(header);
      if (opened !== null) {
        if (file === null) {
          const [from, to] = namesOnDiffLine(header);
          file = startFile(from, to);
        }
        hunk = opened;
        oldLine = opened.oldStart;
        newLine = opened.newStart;
        oldDue = opened.oldLines;
        newDue = opened.newLines;
        file.hunks.push(hunk);
        hunkHasLines = false;
        inBody = true;
        count = 0;
      }
    } else if (c === BACKSLASH) {
      // Between hunks the marker belongs to the hunk before; it changes nothing.
      if (hunk !== null && !hunkHasLines && diff.startsWith(NO_NEWLINE, p) && end - p === NO_NEWLINE.length) {
        throw new DiffWalkError(`"${NO_NEWLINE}" right after the hunk header, line ${lineNo}`);
      }
    } else if (c === 0x64 /* d */ || c === 0x6e /* n */ || c === 0x6f /* o */ || c === 0x69 /* i */ || c === MINUS || c === PLUS) {
      const line = diff.slice(p, end);
      headerLine(line, c);
      if (c === PLUS && p > start && isPlusMarker(diff, p)) plusLines.push(line);
    }
    if (eol < 0) break;
    p = eol + 1;
  }
  // Lines ran out before the counts did: the hunk holds what there was.
  if (inBody && hunk !== null) hunk.lines = scratch.slice(0, count);
  return { files, plusLines };

  /** A header line, `c` its first character: only the patterns that can start with it are tried. */
  function headerLine(line: string, c: number): void {
    if (c === 0x64 /* d */) {
      if (DIFF_LINE.test(line)) {
        const [from, to] = namesOnDiffLine(line);
        file = startFile(from, to);
      } else if (DELETED_FILE.test(line)) {
        const f = currentFile();
        f.deleted = true;
        f.to = "/dev/null";
      }
    } else if (c === 0x6e /* n */) {
      if (NEW_FILE.test(line)) {
        const f = currentFile();
        f.created = true;
        f.from = "/dev/null";
      } else if (MODE_LINE.test(line)) {
        currentFile();
      }
    } else if (c === 0x6f /* o */) {
      if (MODE_LINE.test(line)) currentFile();
    } else if (c === 0x69 /* i */) {
      if (INDEX_LINE.test(line)) currentFile();
    } else if (c === MINUS) {
      if (OLD_MARKER.test(line)) currentFile().from = nameOnMarkerLine(line);
    } else if (NEW_MARKER.test(line)) {
      currentFile().to = nameOnMarkerLine(line);
    }
  }
}

/**
 * A diff line as the walk makes it. A line as sent is its prefix and its
 * text, so `raw` is not kept as a second string cut from the mail (a reply
 * quotes a few lines; the rules read `text`): it is put together when asked.
 * Only a line that is not its prefix and text keeps its own. One class, so
 * every line has one shape: kind, text, two line numbers, what was sent.
 */
export class WalkedLine implements DiffLine {
  /** The line as sent when it is not its kind's prefix plus its text; else null. */
  #sent: string | null;

  constructor(
    public kind: LineKind,
    public text: string,
    public newLine: number | null,
    public oldLine: number | null,
    sent: string | null,
  ) {
    this.#sent = sent;
  }

  /** The line exactly as sent, prefix included. */
  get raw(): string {
    return this.#sent ?? PREFIX[this.kind] + this.text;
  }

  set raw(value: string) {
    this.#sent = value;
  }

  /**
   * `line`'s `raw` when it is not its kind's prefix plus its text (an
   * over-long or mangled line), else null: for packing lines without their
   * raw texts. Asks a walked line without putting its `raw` together.
   */
  static rawApart(line: DiffLine): string | null {
    if (#sent in line) return line.#sent;
    return line.raw === PREFIX[line.kind] + line.text ? null : line.raw;
  }

  /** As JSON, a plain line with its `raw` (a held reply keeps its patch as JSON and quotes from it later). */
  toJSON(): DiffLine {
    return { kind: this.kind, text: this.text, raw: this.raw, newLine: this.newLine, oldLine: this.oldLine };
  }
}

const PREFIX: Readonly<Record<LineKind, string>> = { add: "+", del: "-", ctx: " " };
