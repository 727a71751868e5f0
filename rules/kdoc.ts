import { defineRule } from "../src/analyse/rule-api.js";
import type { ReportDescriptor } from "../src/analyse/rule-api.js";
import { extractStructs } from "../src/parse/c/structs.js";
import type { CLine } from "../src/parse/c/types.js";
import { parseKdoc } from "./utils/kdoc.js";
import type { Kdoc, KdocEntry } from "./utils/kdoc.js";

/**
 * `kdoc` (class doc): kernel-doc comments that do not match what they
 * document (Documentation/doc-guide/kernel-doc.rst): `@name:` entries that
 * are not parameters or fields, a header that names another function or
 * struct, and field descriptions in one struct comment aligned differently
 * from the rest.
 */

const C_FILE = /\.(c|h)$/;

/** True when the patch adds a line of the comment: only then can it hold a point. */
function addsTo(doc: readonly CLine[]): boolean {
  for (const l of doc) if (l.kind === "add") return true;
  return false;
}

/** Entries that name no parameter/field; with a rename hint when exactly one name is undocumented. */
function mismatches(doc: Kdoc, names: readonly string[]): { entry: KdocEntry; hint: string | null }[] {
  const documented = new Set(doc.entries.map((e) => e.name.split(".")[0] ?? e.name));
  const undocumented = names.filter((n) => !documented.has(n) && n !== "...");
  const bad = doc.entries.filter(
    (e) => e.name !== "..." && !names.includes(e.name.split(".")[0] ?? e.name) && !(e.name.endsWith("...") && names.includes("...")),
  );
  return bad.map((entry) => ({ entry, hint: bad.length === 1 && undocumented.length === 1 ? (undocumented[0] ?? null) : null }));
}

/** Entries whose description starts in another column than the one most entries share. */
function misaligned(doc: Kdoc): KdocEntry[] {
  const withDesc = doc.entries.filter((e) => e.descColumn >= 0);
  if (withDesc.length < 3) return [];
  const byCol = new Map<number, KdocEntry[]>();
  for (const e of withDesc) byCol.set(e.descColumn, [...(byCol.get(e.descColumn) ?? []), e]);
  let best: KdocEntry[] = [];
  let col = -1;
  for (const [c, es] of byCol) {
    if (es.length > best.length) {
      best = es;
      col = c;
    }
  }
  // Aligned style only: the shared column must be reached by padding, not by equal name lengths.
  if (best.length < 2 || best.length * 2 <= withDesc.length || !best.some((e) => e.descColumn - e.colonEnd > 1)) return [];
  return withDesc.filter((e) => e.descColumn !== col && e.colonEnd < col);
}

export default defineRule({
  meta: {
    id: "kdoc",
    class: "doc",
    severity: "note",
    description: "Kernel-doc comments whose @name entries, header or field alignment do not match what they document.",
    messages: {
      wrongName: "This kernel-doc header names {doc}, but the comment documents {name}. Should it say {name}?",
      unknownParam: "@{entry} is not a parameter of {name}().",
      renamedParam: "@{entry} is not a parameter of {name}(); should it be @{param}?",
      unknownField: "@{entry} is not a member of {name}.",
      renamedField: "@{entry} is not a member of {name}; should it be @{param}?",
      misaligned: "The description of @{entry} does not line up with the other members in this comment.",
    },
  },
  create(ctx) {
    const report = (d: ReportDescriptor): void => ctx.report(d);
    return {
      cFunction(fn, file) {
        // Every point anchors on an added line of the comment (its header or an entry).
        if (!fn.kernelDoc || !fn.hasStart || !addsTo(fn.kernelDoc)) return;
        const doc = parseKdoc(fn.kernelDoc);
        const h = doc.header;
        if (h && h.added && (h.kind === "function" || h.kind === "other") && h.name !== fn.name && /^[a-z_]\w*$/.test(fn.name) && /^[a-z_]\w*$/.test(h.name)) {
          if (h.kind === "function" || h.name.includes("_"))
            report({ messageId: "wrongName", data: { doc: `${h.name}()`, name: `${fn.name}()` }, file: file.path, line: h.line });
        }
        // Macro-defined functions and signatures we could not read fully are not judged.
        const inner = (/\((.*)\)/.exec(fn.signature)?.[1] ?? "").trim();
        if (/^[A-Z_0-9]+$/.test(fn.name) || (inner !== "" && inner !== "void" && fn.params.length === 0)) return;
        for (const { entry, hint } of mismatches(doc, fn.params)) {
          if (!entry.added) continue;
          if (hint) report({ messageId: "renamedParam", data: { entry: entry.name, name: fn.name, param: hint }, file: file.path, line: entry.line });
          else report({ messageId: "unknownParam", data: { entry: entry.name, name: fn.name }, file: file.path, line: entry.line });
        }
      },
      file(file) {
        if (!C_FILE.test(file.path)) return;
        for (const st of extractStructs(file)) {
          if (!st.kernelDoc || !addsTo(st.kernelDoc)) continue;
          const doc = parseKdoc(st.kernelDoc);
          const full = `${st.kind} ${st.name}`;
          const h = doc.header;
          if (h && h.added && h.kind === st.kind && h.name !== full) {
            report({ messageId: "wrongName", data: { doc: h.name, name: full }, file: file.path, line: h.line });
          }
          if (st.kind !== "enum") {
            for (const { entry, hint } of mismatches(doc, st.fields)) {
              if (!entry.added) continue;
              if (hint) report({ messageId: "renamedField", data: { entry: entry.name, name: full, param: hint }, file: file.path, line: entry.line });
              else report({ messageId: "unknownField", data: { entry: entry.name, name: full }, file: file.path, line: entry.line });
            }
          }
          for (const e of misaligned(doc)) {
            if (e.added) report({ messageId: "misaligned", data: { entry: e.name }, file: file.path, line: e.line });
          }
        }
      },
    };
  },
});
