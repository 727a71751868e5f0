/**
 * Splits a piece of prose into the words a spelling check may look at.
 * Anything that looks like code is left out: identifiers with `_`, digits or
 * camelCase, ALL-CAPS macros, calls (`foo(`), members (`a->b`, `.field`),
 * kernel-doc references (`@arg`, `&struct`, `%CONST`), paths, URLs, e-mail
 * addresses, and text inside backquotes or single-quoted code.
 */

export interface Word {
  /** The word as written (no surrounding punctuation). */
  text: string;
  /** Offset in the span's text. */
  start: number;
  /**
   * True when nothing but spaces separates it from the previous word of the
   * same span (no punctuation, no skipped code): doubled-word checks need it.
   */
  joined: boolean;
  /** True when punctuation follows the word (`word,` `word.`). */
  punctAfter: boolean;
}

/** One word: letters, with an inner apostrophe (`don't`, `module's`). */
const PLAIN = /^[A-Za-z]+(?:['’][A-Za-z]+)?$/;
const LEAD = /^[("'“‘]+/;
const TRAIL = /[)"'”’.,;:!?]+$/;

/**
 * Masks what is quoted as code, keeping offsets. The mask is a non-space
 * filler, so words on either side of masked code are not neighbours
 * ("the number of 'digits' of" has no doubled "of").
 */
export const MASK = "\u0001";
export function maskCode(text: string): string {
  const blank = (m: string): string => MASK.repeat(m.length);
  // Names are not prose: credit lines, and a name in front of an address.
  if (/^\s*(authors?|maintainers?|copyright|written by|contributed by|based on work by)\b|\bcopyright\b|©/i.test(text)) return blank(text);
  // Each pattern needs a character most prose lacks: test for it before running the pattern.
  let out = text;
  if (out.includes("@")) out = out.replace(/(?:[A-Z][\p{L}.'’-]*\s+){1,4}<[^<>\s]+@[^<>\s]+>/gu, blank);
  if (out.includes("`")) out = out.replace(/`[^`]*`/g, blank);
  // 'foo' / 'foo_bar()' with no space inside: a quoted identifier or value.
  if (out.includes("'")) out = out.replace(/(^|[\s(])'[^'\s]+'(?=$|[\s).,;:])/g, (m: string, pre: string) => pre + blank(m.slice(pre.length)));
  if (out.includes("<")) out = out.replace(/<[^<>\s]+>/g, blank);
  if (out.includes("://")) out = out.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, blank);
  return out;
}

/** True for a core word that is an identifier or a macro, not prose. */
function codeLike(core: string): boolean {
  if (/[a-z][A-Z]/.test(core)) return true;
  if (core.length > 1 && core === core.toUpperCase()) return true;
  return false;
}

/** The words of one span, and whether its last token was a plain word with no punctuation after it. */
export interface SpanWords {
  words: Word[];
  endClean: boolean;
}

/**
 * The checkable words of `text`, in order. Hyphenated compounds yield their
 * parts (`re-use` -> `re`, `use`). `startClean` says the previous span of the
 * same block ended on a plain word, so a first word here is `joined` to it.
 */
export function wordsOf(text: string, startClean = false): SpanWords {
  const masked = maskCode(text);
  const words: Word[] = [];
  const re = /\S+/g;
  let prevClean = startClean;
  let m: RegExpExecArray | null;
  while ((m = re.exec(masked)) !== null) {
    const raw = m[0];
    const lead = LEAD.exec(raw)?.[0] ?? "";
    const trail = TRAIL.exec(raw.slice(lead.length))?.[0] ?? "";
    const core = raw.slice(lead.length, raw.length - trail.length);
    const parts = core.split("-");
    const ok = core !== "" && parts.every((p) => PLAIN.test(p) && !codeLike(p));
    if (!ok) {
      prevClean = false;
      continue;
    }
    let offset = m.index + lead.length;
    parts.forEach((p, i) => {
      words.push({
        text: p,
        start: offset,
        joined: i === 0 && prevClean && lead === "",
        punctAfter: i < parts.length - 1 || trail !== "",
      });
      offset += p.length + 1;
    });
    prevClean = trail === "" && parts.length === 1;
  }
  return { words, endClean: prevClean };
}

/** Display width of a line's leading white space, tabs at 8 columns (how Kconfig and reST indentation is read). */
export function indentOf(text: string): number {
  let n = 0;
  for (const c of text) {
    if (c === " ") n++;
    else if (c === "\t") n = n - (n % 8) + 8;
    else break;
  }
  return n;
}
