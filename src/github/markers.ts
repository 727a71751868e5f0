/**
 * Hidden markers that make GitHub reviews idempotent. Each comment (and each
 * point listed in a review body) ends with `<!-- lkreview:fp=FINGERPRINT -->`;
 * the review body ends with `<!-- lkreview:review head=SHA -->`. Reading them
 * back from GitHub tells a later run what was already said, so no local state
 * is needed (the Action has none).
 */

const FP_LINE = /^<!-- lkreview:fp=([0-9a-f]{8,64}) -->$/;
const HEAD_LINE = /^<!-- lkreview:review head=([0-9a-f]{7,64}) -->$/;

/** The marker ending a comment about one finding. */
export function fingerprintMarker(fingerprint: string): string {
  if (!/^[0-9a-f]{8,64}$/.test(fingerprint)) throw new Error(`bad fingerprint ${JSON.stringify(fingerprint)}`);
  return `<!-- lkreview:fp=${fingerprint} -->`;
}

/** The marker ending a review body: which head commit it reviewed. */
export function reviewMarker(headSha: string): string {
  if (!/^[0-9a-f]{7,64}$/.test(headSha)) throw new Error(`bad head sha ${JSON.stringify(headSha)}`);
  return `<!-- lkreview:review head=${headSha} -->`;
}

export interface Markers {
  fingerprints: string[];
  heads: string[];
}

/**
 * The markers in the trailing block of a body: only whole lines at the very
 * end count. Quoted patch text or a suggestion block earlier in the body may
 * contain marker-like text (a hostile patch could plant one); it never sits
 * below our own trailing block, so it is never read as ours.
 */
export function trailingMarkers(body: string | null | undefined): Markers {
  const out: Markers = { fingerprints: [], heads: [] };
  if (!body) return out;
  const lines = body.replace(/\s+$/, "").split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    const fp = FP_LINE.exec(line);
    const head = HEAD_LINE.exec(line);
    if (fp?.[1]) out.fingerprints.push(fp[1]);
    else if (head?.[1]) out.heads.push(head[1]);
    else break;
  }
  out.fingerprints.reverse();
  return out;
}

/**
 * Makes untrusted text (messages that quote patch content) inert in GitHub
 * Markdown: no HTML (so no forged marker comments), no @mentions that would
 * ping strangers, no line breaks that could end our formatting.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[A-Za-z0-9])/g, "@\u200b")
    .replace(/[\r\n]+/g, " ");
}

/** Inline code of untrusted text, with a fence longer than any backtick run inside it. */
export function inlineCode(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}
