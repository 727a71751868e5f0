/**
 * Dates for the reply: the patch's own Date read back in its own time zone
 * (for the attribution line, as mutt shows it), and the send time in RFC
 * 5322 form. Parsed by hand because `Date.parse` forgets the sender's offset
 * and accepts nonsense.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** RFC 5322 section 4.3 obsolete zone names, in minutes east of UTC. */
const NAMED_ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/** A wall-clock time as the sender wrote it, with the sender's offset. */
export interface SenderDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset as written, e.g. `+0100`, `-0700`, `+0530`. */
  zone: string;
  /** Weekday computed from the date, 0 = Sunday (the sender's day name is not trusted). */
  weekday: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/**
 * Parses an RFC 5322 date-time (with the obsolete forms of section 4.3: a
 * two-digit year, a named zone, a trailing comment like `(CET)`). Returns
 * null for anything that is not a real calendar time.
 */
export function parseMailDate(text: string): SenderDate | null {
  const t = text
    .replace(/\([^()]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const m = /^(?:[A-Za-z]{3},? )?(\d{1,2}) ([A-Za-z]{3}) (\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([+-]\d{4}|[A-Za-z]{1,5})$/.exec(t);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS.findIndex((n) => n.toLowerCase() === (m[2] ?? "").toLowerCase()) + 1;
  let year = Number(m[3]);
  // RFC 5322 4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
  if ((m[3] ?? "").length === 2) year += year < 50 ? 2000 : 1900;
  else if ((m[3] ?? "").length === 3) year += 1900;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const zoneRaw = m[7] ?? "";
  let zone: string;
  if (/^[+-]\d{4}$/.test(zoneRaw)) {
    const hh = Number(zoneRaw.slice(1, 3));
    const mm = Number(zoneRaw.slice(3, 5));
    if (hh > 23 || mm > 59) return null;
    zone = zoneRaw;
  } else {
    const minutes = NAMED_ZONES[zoneRaw.toUpperCase()];
    // Military single letters other than Z are ambiguous in practice (RFC 5322 4.3): treat as -0000, "unknown".
    if (minutes === undefined && !/^[A-IK-Za-ik-z]$/.test(zoneRaw)) return null;
    zone = minutes === undefined ? "-0000" : zoneText(minutes);
  }
  if (year < 1900 || month < 1 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, zone, weekday };
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** mutt's attribution date: `Tue, Mar 04, 2025 at 09:15:07AM +0100`, in the sender's own zone. */
export function formatAttributionDate(d: SenderDate): string {
  const h12 = d.hour % 12 === 0 ? 12 : d.hour % 12;
  const ampm = d.hour < 12 ? "AM" : "PM";
  return (
    `${DAYS[d.weekday] ?? ""}, ${MONTHS[d.month - 1] ?? ""} ${pad2(d.day)}, ${d.year} ` +
    `at ${pad2(h12)}:${pad2(d.minute)}:${pad2(Math.min(d.second, 59))}${ampm} ${d.zone}`
  );
}

/** RFC 5322 Date header for the send time, in UTC: `Tue, 04 Mar 2025 08:15:07 +0000`. */
export function formatMailDate(when: Date): string {
  if (Number.isNaN(when.getTime())) throw new RangeError("send date is not a valid time");
  return (
    `${DAYS[when.getUTCDay()] ?? ""}, ${pad2(when.getUTCDate())} ${MONTHS[when.getUTCMonth()] ?? ""} ` +
    `${when.getUTCFullYear()} ${pad2(when.getUTCHours())}:${pad2(when.getUTCMinutes())}:${pad2(when.getUTCSeconds())} +0000`
  );
}
