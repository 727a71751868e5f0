import { createHash } from "node:crypto";

/** Whitespace-folded text, so re-indentation or a rebase does not change identity. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * A finding's identity: rule, path and the normalised text it is anchored to.
 * Never the line number, so a retry, a rebase or a v2 with shifted lines keeps
 * the same fingerprint (STYLE.md, convention 6).
 */
export function fingerprintOf(rule: string, file: string, anchoredText: string, extra = ""): string {
  const h = createHash("sha256");
  h.update(`${rule}\0${file}\0${normaliseText(anchoredText)}\0${extra}`);
  return h.digest("hex").slice(0, 16);
}

/** Short stable hash of any strings, for Message-IDs and cache keys. */
export function stableHash(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(`${p}\0`);
  return h.digest("hex");
}
