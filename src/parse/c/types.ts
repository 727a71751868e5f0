/**
 * The C view of a patch that rules work on: the functions the new side of a
 * diff shows (complete or partial), line by line. Built by ./functions.ts.
 */

import type { DiffLine } from "../../model.js";

/**
 * A new-side line of the C view: the diff's own `DiffLine` object (an `add`
 * or `ctx` line), not a copy, so building the view allocates nothing per
 * line. The same object is shared by the diff, the C view and the reply:
 * nothing may modify it. `kind === "add"` says the patch adds the line.
 */
export type CLine = Readonly<Pick<DiffLine, "kind" | "text">> & {
  /** New-side line number. */
  readonly newLine: number;
};

export interface CFunction {
  /** Path of the file in the patch. */
  file: string;
  name: string;
  /** The declaration up to (not including) the opening brace, whitespace folded. */
  signature: string;
  /** Return type text, e.g. `static int`, `void`, `struct klp_object *`. */
  returnType: string;
  /** True when the function returns void (not `void *`). */
  isVoid: boolean;
  /** Parameter names in order. */
  params: string[];
  /** New-side lines from the signature to the closing brace, as far as the diff shows them. */
  lines: CLine[];
  /** True when the diff shows every line from the signature to the closing brace. */
  complete: boolean;
  startLine: number;
  endLine: number;
  /** The kernel-doc comment (`/** ... *\/`) right above the function, when the diff shows it. */
  kernelDoc: CLine[] | null;
  /** The statements of the body as far as the diff shows them (partial views parse tolerantly). */
  body: CStmt[];
  /** Comments inside the body, with their first line (rules read them for intent: "optional", "ignore"). */
  comments: { line: number; text: string }[];
  /** True when the signature line is shown (else name and types come from the `@@` context). */
  hasStart: boolean;
  /** True when the closing brace is shown. */
  hasEnd: boolean;
  /** True when two hunks of the same function were joined and unseen lines lie between them. */
  hasGaps: boolean;
}

/** A call seen in a statement: `name(args)`, with the variable its result is assigned to. */
export interface CCall {
  name: string;
  /** Top-level arguments as text, e.g. `["&obj->hook", "GFP_KERNEL"]`. */
  args: string[];
  line: number;
  /** `p` in `p = kzalloc(...)` / `ret = foo(...)`, when the call is the whole right-hand side. */
  assignedTo: string | null;
}

interface StmtBase {
  /** Unique within the function, in source order. */
  id: number;
  line: number;
  endLine: number;
  /** Calls anywhere in the statement's own tokens (for compound statements: their header only). */
  calls: readonly CCall[];
}

export interface BlockStmt extends StmtBase {
  kind: "block";
  body: CStmt[];
}

export interface IfStmt extends StmtBase {
  kind: "if";
  /** The condition inside the parentheses. */
  cond: string;
  then: CStmt;
  else: CStmt | null;
}

export interface LoopStmt extends StmtBase {
  kind: "loop";
  /** `for`, `while`, `do`, or the iterator macro's name (`list_for_each_entry_safe`). */
  loop: string;
  header: string;
  body: CStmt;
}

export interface SwitchStmt extends StmtBase {
  kind: "switch";
  cond: string;
  body: CStmt;
}

/** A statement-like macro with a body, e.g. `scoped_guard (mutex, &lock) { ... }`. */
export interface MacroBlockStmt extends StmtBase {
  kind: "macro";
  name: string;
  header: string;
  body: CStmt;
}

export interface LabelStmt extends StmtBase {
  kind: "label";
  /** Label name; `case`/`default` labels use `case`. */
  name: string;
}

export interface GotoStmt extends StmtBase {
  kind: "goto";
  label: string;
}

export interface ReturnStmt extends StmtBase {
  kind: "return";
  /** Returned expression text, "" for a bare `return;`. */
  expr: string;
}

export interface JumpStmt extends StmtBase {
  kind: "break" | "continue";
}

/** Expression statements and declarations. */
export interface ExprStmt extends StmtBase {
  kind: "expr";
  text: string;
}

export type CStmt = BlockStmt | IfStmt | LoopStmt | SwitchStmt | MacroBlockStmt | LabelStmt | GotoStmt | ReturnStmt | JumpStmt | ExprStmt;
