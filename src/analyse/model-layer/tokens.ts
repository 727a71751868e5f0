/**
 * Token accounting without a tokenizer. English prose and C code average
 * close to four characters per token for the GPT-family BPE vocabularies, so
 * `ceil(chars / 4)` is the estimate used to split patches and to check the
 * per-run budget before a request; the server's reported `usage` replaces the
 * estimate once an answer arrives.
 */

/** Estimated tokens of a text: characters / 4, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A per-run token budget shared by every review of the run
 * (`--max-tokens-total`). Requests reserve their estimate before they start
 * and settle with the real usage afterwards, so concurrent requests cannot
 * together overshoot by more than one request's estimate error.
 */
export class TokenBudget {
  /** Tokens spent or reserved so far. */
  private used = 0;

  /** @param limit most tokens (prompt + completion) for the run; undefined means no limit. */
  constructor(readonly limit?: number) {}

  /** Tokens spent or reserved so far. */
  get spent(): number {
    return this.used;
  }

  /** True once nothing more may be spent. */
  get exhausted(): boolean {
    return this.limit !== undefined && this.used >= this.limit;
  }

  /** Reserves `estimate` tokens; false (and nothing reserved) when that would pass the limit. */
  reserve(estimate: number): boolean {
    if (this.limit !== undefined && this.used + estimate > this.limit) return false;
    this.used += estimate;
    return true;
  }

  /** Replaces a reservation with what the request really cost. */
  settle(reserved: number, actual: number): void {
    this.used += actual - reserved;
  }
}
