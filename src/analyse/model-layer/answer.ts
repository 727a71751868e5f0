import { z } from "zod";
import type { DefectClass } from "../../model.js";

/**
 * The model's answer: a stable contract documented in prompts/README.md.
 * `AnswerSchema` is what we ask for (sent as a strict JSON schema);
 * `parseAnswer` is tolerant of what servers really send: each finding and
 * doubt is checked on its own, so one malformed entry costs only itself.
 */

export const CLASSES = ["unreleased", "errcode", "typo", "warn", "doc", "style", "design", "other"] as const satisfies readonly DefectClass[];

export const FindingAnswerSchema = z.object({
  class: z.enum(CLASSES),
  file: z.string(),
  quote: z.string(),
  message: z.string(),
  confidence: z.enum(["high", "medium", "low"]),
});

export const DoubtAnswerSchema = z.object({
  rule: z.string(),
  file: z.string(),
  // A plain number, not int(): strict structured output rejects the bounds zod adds for integers.
  line: z.number(),
  reason: z.string(),
});

/** The exact JSON shape of a model answer. */
export const AnswerSchema = z.object({
  findings: z.array(FindingAnswerSchema),
  doubts: z.array(DoubtAnswerSchema),
});

export type FindingAnswer = z.infer<typeof FindingAnswerSchema>;
export type DoubtAnswer = z.infer<typeof DoubtAnswerSchema>;
export type Answer = z.infer<typeof AnswerSchema>;

/** Name under which the schema is sent in `response_format.json_schema`. */
export const ANSWER_SCHEMA_NAME = "lkreview_review";

/** The JSON schema of the answer, as OpenAI's strict structured output accepts it. */
export function answerJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AnswerSchema) as Record<string, unknown>;
  delete schema["$schema"];
  return schema;
}

export interface ParsedAnswer {
  findings: FindingAnswer[];
  doubts: DoubtAnswer[];
  /** Entries that did not fit the shape. */
  rejected: number;
}

/**
 * Finds the JSON object in a model's text: the whole text, a ```json fence,
 * or the outermost balanced `{...}` after leading prose. Null when none parses.
 */
export function extractJson(text: string): unknown {
  const candidates: string[] = [text.trim()];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) candidates.push((m[1] ?? "").trim());
  const start = text.indexOf("{");
  if (start >= 0) {
    const end = balancedEnd(text, start);
    if (end > start) candidates.push(text.slice(start, end + 1));
    const last = text.lastIndexOf("}");
    if (last > start) candidates.push(text.slice(start, last + 1));
  }
  for (const c of candidates) {
    if (!c.startsWith("{")) continue;
    try {
      const v: unknown = JSON.parse(c);
      if (v && typeof v === "object" && !Array.isArray(v)) return v;
    } catch {
      // Try the next candidate: prose around JSON is common in plain answers.
    }
  }
  return null;
}

/** Index of the `}` closing the object opened at `start`, honouring strings; -1 when unbalanced. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Validates an extracted object entry by entry; null when it is not an answer at all. */
export function parseAnswer(value: unknown): ParsedAnswer | null {
  if (!value || typeof value !== "object") return null;
  const obj = value as Record<string, unknown>;
  const rawFindings = obj["findings"];
  const rawDoubts = obj["doubts"];
  if (rawFindings === undefined && rawDoubts === undefined) return null;
  if ((rawFindings !== undefined && !Array.isArray(rawFindings)) || (rawDoubts !== undefined && !Array.isArray(rawDoubts))) return null;
  const out: ParsedAnswer = { findings: [], doubts: [], rejected: 0 };
  for (const f of (rawFindings ?? []) as unknown[]) {
    const r = FindingAnswerSchema.safeParse(f);
    if (r.success) out.findings.push(r.data);
    else out.rejected++;
  }
  for (const d of (rawDoubts ?? []) as unknown[]) {
    const r = DoubtAnswerSchema.safeParse(d);
    if (r.success && Number.isFinite(r.data.line)) out.doubts.push({ ...r.data, line: Math.trunc(r.data.line) });
    else out.rejected++;
  }
  return out;
}
