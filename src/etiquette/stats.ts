import type { FeedbackEntry, ReviewRecord } from "../store/store.js";

/** Counts for one rule or one list. */
export interface StatsRow {
  /** Findings in replies that went out. */
  sent: number;
  /** Findings a maintainer or the author acknowledged (`lkreview: ack`). */
  confirmed: number;
  /** Findings marked `lkreview: false-positive`. */
  falsePositive: number;
  /** confirmed / (confirmed + falsePositive); null without feedback. */
  precision: number | null;
}

export interface Stats {
  reviews: number;
  replies: number;
  /** Replies sent per calendar day (UTC), and their mean over the days from the first to the last reply. */
  repliesPerDay: { days: Record<string, number>; mean: number };
  /** Means over all reviews. */
  perReview: { promptTokens: number; completionTokens: number; totalTokens: number; ms: number };
  byRule: Record<string, StatsRow>;
  byList: Record<string, StatsRow>;
}

const NO_LIST = "(no list)";
const DAY = 86_400_000;

function row(map: Record<string, StatsRow>, key: string): StatsRow {
  const existing = map[key];
  if (existing) return existing;
  const fresh: StatsRow = { sent: 0, confirmed: 0, falsePositive: 0, precision: null };
  map[key] = fresh;
  return fresh;
}

const round = (n: number, places: number): number => Math.round(n * 10 ** places) / 10 ** places;

/**
 * Statistics from the store's review records and feedback. A finding's
 * verdict is the latest one given for its rule+fingerprint within one
 * review (someone may ack after a false-positive); precision is computed
 * only from findings that got a verdict, since silence is not agreement.
 */
export function computeStats(reviews: readonly ReviewRecord[], feedback: readonly FeedbackEntry[]): Stats {
  const byRule: Record<string, StatsRow> = {};
  const byList: Record<string, StatsRow> = {};
  const days: Record<string, number> = {};
  let replies = 0;
  for (const r of reviews) {
    if (r.repliedAt === null) continue;
    replies++;
    const day = r.repliedAt.slice(0, 10);
    days[day] = (days[day] ?? 0) + 1;
    for (const f of r.findings) {
      row(byRule, f.rule).sent++;
      row(byList, r.listId ?? NO_LIST).sent++;
    }
  }
  const verdicts = new Map<string, FeedbackEntry>();
  for (const f of feedback) verdicts.set(`${f.reviewId}\0${f.rule}\0${f.fingerprint}`, f);
  for (const f of verdicts.values()) {
    for (const target of [row(byRule, f.rule), row(byList, f.listId ?? NO_LIST)]) {
      if (f.verdict === "ack") target.confirmed++;
      else target.falsePositive++;
    }
  }
  for (const r of [...Object.values(byRule), ...Object.values(byList)]) {
    const judged = r.confirmed + r.falsePositive;
    r.precision = judged > 0 ? round(r.confirmed / judged, 3) : null;
  }
  const dayKeys = Object.keys(days).sort();
  const first = dayKeys[0];
  const last = dayKeys.at(-1);
  const span = first && last ? Math.round((Date.parse(last) - Date.parse(first)) / DAY) + 1 : 0;
  const n = reviews.length;
  const sum = (pick: (r: ReviewRecord) => number): number => reviews.reduce((a, r) => a + pick(r), 0);
  const prompt = n ? sum((r) => r.promptTokens) / n : 0;
  const completion = n ? sum((r) => r.completionTokens) / n : 0;
  return {
    reviews: n,
    replies,
    repliesPerDay: { days: Object.fromEntries(dayKeys.map((d) => [d, days[d] ?? 0])), mean: span ? round(replies / span, 2) : 0 },
    perReview: {
      promptTokens: round(prompt, 1),
      completionTokens: round(completion, 1),
      totalTokens: round(prompt + completion, 1),
      ms: n ? round(sum((r) => r.durationMs) / n, 1) : 0,
    },
    byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => a.localeCompare(b))),
    byList: Object.fromEntries(Object.entries(byList).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function table(title: string, rows: Record<string, StatsRow>): string[] {
  const names = Object.keys(rows);
  const w = Math.max(title.length, ...names.map((k) => k.length));
  const out = [`${title.padEnd(w)}  ${"sent".padStart(6)}  ${"ack".padStart(6)}  ${"false".padStart(6)}  precision`];
  for (const k of names) {
    const r = rows[k] as StatsRow;
    const p = r.precision === null ? "-" : `${(r.precision * 100).toFixed(1)}%`;
    out.push(`${k.padEnd(w)}  ${String(r.sent).padStart(6)}  ${String(r.confirmed).padStart(6)}  ${String(r.falsePositive).padStart(6)}  ${p}`);
  }
  if (names.length === 0) out.push("(none)");
  return out;
}

/** The statistics as text for a terminal. */
export function formatStats(s: Stats): string {
  const lines = [
    `reviews: ${s.reviews}, replies sent: ${s.replies}, replies per day: ${s.repliesPerDay.mean}`,
    `per review: ${s.perReview.totalTokens} model tokens (${s.perReview.promptTokens} prompt, ${s.perReview.completionTokens} completion), ${s.perReview.ms} ms`,
    "",
    ...table("rule", s.byRule),
    "",
    ...table("list", s.byList),
  ];
  return `${lines.join("\n")}\n`;
}
