import type { LkreviewError } from "../errors.js";
import type { RawMessage } from "../model.js";

/**
 * What an ingest source yields: a raw message, or the reason one item could
 * not be read. Failures travel in the stream instead of being thrown so one
 * bad file or oversized message never stops a batch.
 */
export type IngestItem = RawMessage | IngestFailure;

/** One item that could not be read; `source` names it like a RawMessage would. */
export interface IngestFailure {
  source: string;
  error: LkreviewError;
}

/** True when the item is a failure rather than a message. */
export function isIngestFailure(item: IngestItem): item is IngestFailure {
  return "error" in item;
}
