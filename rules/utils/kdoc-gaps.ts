import type { CFunction } from "../../src/parse/c/types.js";
import { ERRNO } from "../data/errno.js";
import type { FlatNode } from "./c-flow.js";
import { allowsOtherCodes, codesIn, parseKdoc } from "./kdoc.js";

/**
 * Where a function's kernel-doc `Return:` section and the codes its body
 * returns disagree (for `errcode`): promised codes never returned, returned
 * codes never listed.
 */

/** What a complete function's kernel-doc `Return:` section and its code disagree on. */
export interface DocGaps {
  /** Codes the doc promises that the function never returns, with the doc line naming each. */
  missing: string[];
  missingAt: Map<string, { line: number; added: boolean }>;
  /** Codes returned that the doc does not list (only when the doc lists codes exhaustively). */
  unlisted: Map<string, number>;
}

/**
 * `static inline int foo(...) { return -ENOSYS; }`: the stub a header gives
 * when a feature is configured out. Its kernel-doc describes the real
 * function, so the codes it promises are not the stub's to return.
 */
function isInlineStub(fn: CFunction): boolean {
  if (!/\binline\b/.test(fn.signature) || fn.body.length !== 1) return false;
  const only = fn.body[0];
  return only?.kind === "return" && /^(-?E[A-Z0-9_]+|-?\d+|NULL|false|true|ERR_PTR\(-E[A-Z0-9_]+\))?$/.test(only.expr.replace(/\s/g, ""));
}

/** Kernel-doc `Return:` against the codes a complete function really returns; null when there is nothing to compare. */
export function docGaps(fn: CFunction, nodes: readonly FlatNode[]): DocGaps | null {
  if (!fn.complete || !fn.kernelDoc || isInlineStub(fn)) return null;
  // A doc that names no code (`-EINVAL`) promises none and lists none: nothing to compare.
  if (!fn.kernelDoc.some((l) => l.text.includes("-E"))) return null;
  const doc = parseKdoc(fn.kernelDoc);
  if (doc.returns.length === 0) return null;
  const docText = doc.returns.map((r) => r.text).join(" ");
  const promised = codesIn(docText);
  const literal = new Map<string, number>();
  let propagates = false;
  const assignedFromCall = new Set<string>();
  for (const n of nodes) {
    for (const c of n.stmt.calls) if (c.assignedTo) assignedFromCall.add(c.assignedTo);
  }
  for (const n of nodes) {
    const s = n.stmt;
    const text = s.kind === "return" ? s.expr : s.kind === "expr" ? s.text : "";
    if (text.includes("-E")) for (const m of text.matchAll(/-E[A-Z][A-Z0-9_]+/g)) if (!literal.has(m[0])) literal.set(m[0], s.line);
    if (s.kind === "return") {
      const e = s.expr.replace(/\s/g, "");
      if (/^[a-z_]\w*$/.test(e) && assignedFromCall.has(e)) propagates = true;
      if (/^\w+\(/.test(e) && !/^(ERR_PTR|PTR_ERR)\(-?E/.test(e)) propagates = true;
      if (e.startsWith("PTR_ERR(")) propagates = true;
    }
  }
  const gaps: DocGaps = { missing: [], missingAt: new Map(), unlisted: new Map() };
  if (!propagates) {
    for (const code of promised) {
      if (literal.has(code)) continue;
      const at = doc.returns.find((r) => r.text.includes(code));
      if (!at) continue;
      gaps.missing.push(code);
      gaps.missingAt.set(code, { line: at.line, added: at.added });
    }
  }
  if (promised.length > 0 && !allowsOtherCodes(docText)) {
    for (const [code, line] of literal) if (!promised.includes(code)) gaps.unlisted.set(code, line);
  }
  return gaps;
}

/**
 * One point per disagreement: a promised code that went missing where a
 * branch returns 0 after an error is that branch's point already; a promised
 * code replaced by one other code is one mismatch, not two findings.
 */
export function reportDocGaps(
  gaps: DocGaps,
  added: ReadonlySet<number>,
  zeroReported: boolean,
  report: (id: string, line: number, data: Record<string, string>) => void,
): void {
  const missing = zeroReported ? [] : gaps.missing;
  const unlisted = [...gaps.unlisted].filter(([, line]) => added.has(line));
  const first = unlisted[0];
  if (missing.length === 1 && unlisted.length === 1 && first) {
    report("docMismatch", first[1], { promised: missing[0] ?? "", code: first[0] });
    return;
  }
  for (const code of missing) {
    const at = gaps.missingAt.get(code);
    if (at?.added) report("docPromises", at.line, { code });
  }
  for (const [code, line] of unlisted) report("docMissing", line, { code });
}

/** `-ENOMEM` for every positive `ENOMEM` the function returns or stores in an error variable. */
export function positiveCodes(nodes: readonly FlatNode[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) {
    const s = n.stmt;
    const text = s.kind === "return" ? s.expr : s.kind === "expr" ? s.text : "";
    const m = /(?:^|[=(\s])(E[A-Z0-9]+)\s*\)?$/.exec(text);
    if (m?.[1] && ERRNO.has(m[1]) && !/-\s*E[A-Z0-9]+\s*\)?$/.test(text)) out.add(`-${m[1]}`);
  }
  return out;
}
