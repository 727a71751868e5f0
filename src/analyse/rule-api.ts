import type { z } from "zod";
import type { DefectClass, FileDiff, Hunk, Patch, Series, Severity } from "../model.js";
import type { CFunction } from "../parse/c/types.js";
import { isWordChar } from "../parse/c/tokenizer.js";

/** What a rule declares about itself (ESLint's `meta`). */
export interface RuleMeta<O = Record<string, unknown>> {
  /** Same as the file name: `rules/<id>.ts`. */
  id: string;
  class: DefectClass;
  /** Default level; the config file may override it or turn the rule off. */
  severity: Severity;
  /** One line, for the rule list. */
  description: string;
  /** Message templates in the reviewer's voice, with `{name}` placeholders. */
  messages: Record<string, string>;
  /** Options with defaults; validated once per run. */
  options?: z.ZodType<O>;
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  /** Path in the patch, or COMMIT_MSG for the commit message. */
  file: string;
  /** New-side line (or commit-message line) the finding is about. */
  line: number;
  /** Last line of the range; defaults to `line`. */
  endLine?: number;
  /** Typos: the word as written and its correction. */
  fix?: { from: string; to: string };
}

export interface RuleContext<O = Record<string, unknown>> {
  readonly patch: Patch;
  /** The series the patch belongs to, when known (other parts may define helpers or releases). */
  readonly series: Series | null;
  readonly options: O;
  /** The functions the new side of `file` shows (memoised; empty for non-C files). */
  functions(file: FileDiff): CFunction[];
  report(descriptor: ReportDescriptor): void;
}

/** Visitors the engine calls during its one walk over a patch. */
export interface RuleVisitors {
  patch?(patch: Patch): void;
  commitMessage?(lines: string[]): void;
  file?(file: FileDiff): void;
  hunk?(hunk: Hunk, file: FileDiff): void;
  /** Each C function shown by a `.c`/`.h` file diff. */
  cFunction?(fn: CFunction, file: FileDiff): void;
}

export interface Rule<O = Record<string, unknown>> {
  meta: RuleMeta<O>;
  create(ctx: RuleContext<O>): RuleVisitors;
}

/** Declares a rule; identity function that fixes the types (ESLint's rule module shape). */
export function defineRule<O = Record<string, unknown>>(rule: Rule<O>): Rule<O> {
  return rule;
}

/**
 * Fills `{name}` placeholders of a message template: what
 * `template.replace(/\{(\w+)\}/g, ...)` does, scanned by hand since every
 * finding is formatted (no match arrays, no callback per placeholder). A
 * placeholder `data` does not name is left as written.
 */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  let out = "";
  // Start of the part of the template not yet copied to `out`.
  let from = 0;
  let open = template.indexOf("{");
  while (open >= 0) {
    let end = open + 1;
    while (end < template.length && isWordChar(template.charCodeAt(end))) end++;
    if (end > open + 1 && template.charCodeAt(end) === 125 /* } */) {
      const key = template.slice(open + 1, end);
      if (Object.prototype.hasOwnProperty.call(data, key)) {
        out += template.slice(from, open) + String(data[key]);
        from = end + 1;
      }
      open = template.indexOf("{", end + 1);
    } else {
      open = template.indexOf("{", open + 1);
    }
  }
  return from === 0 ? template : out + template.slice(from);
}
