/**
 * Every cap on untrusted input, each with its reason. Mail comes from
 * strangers; these bounds keep one hostile message from exhausting memory or
 * time. They can be raised in the config file (`limits:`).
 */
export interface Limits {
  /** Largest single message we parse. Real patch mails are far below this; kernel-wide treewide patches reach a few MB. */
  maxMessageBytes: number;
  /** Most diff lines per patch we analyse; beyond this the patch is reviewed as an error, not silently truncated. */
  maxDiffLines: number;
  /** Longest line we analyse; longer lines (generated tables, base64 blobs) are skipped by the rules. */
  maxLineLength: number;
  /** Most messages read from one mbox in one run. */
  maxMessagesPerFile: number;
  /** Most bytes a .gz input may expand to, against decompression bombs. */
  maxGunzipBytes: number;
  /** Longest header value kept; folded headers beyond this are cut. */
  maxHeaderLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 32 * 1024 * 1024,
  maxDiffLines: 200_000,
  maxLineLength: 4_000,
  maxMessagesPerFile: 10_000_000,
  maxGunzipBytes: 8 * 1024 * 1024 * 1024,
  maxHeaderLength: 16 * 1024,
};

/**
 * Caps on what one GitHub review posts. GitHub refuses a body over 65,536
 * characters; a review with hundreds of inline comments buries the author, so
 * points beyond the inline cap go to the body and those beyond the body cap
 * are only counted (they come back on a later run, being still unposted).
 */
export const GITHUB_LIMITS = {
  maxBodyChars: 60_000,
  maxInlineComments: 50,
  maxBodyPoints: 100,
} as const;

/**
 * Caps of the etiquette layer. Human replies are kept in the store only to
 * see which lines they commented on; feedback mail is a maintainer's word,
 * and nobody marks hundreds of points in one mail.
 */
export const ETIQUETTE_LIMITS = {
  /** Characters of a thread reply's body kept in the store. */
  maxThreadBodyChars: 256 * 1024,
  /** `lkreview:` commands honoured from one mail. */
  maxFeedbackCommands: 50,
} as const;
