/**
 * The data of the GitHub emulator (github-server.ts): the pull requests,
 * users, reviews and comments it holds, the faults a test can script, and
 * the log of requests it answered. Field names follow GitHub's REST bodies.
 */

export interface EmuFile {
  filename: string;
  status?: "added" | "removed" | "modified" | "renamed";
  previous_filename?: string;
  /** Hunks only, as GitHub shows them; null for binary or huge files (GitHub omits the field). */
  patch: string | null;
}

export interface EmuCommit {
  sha: string;
  message: string;
}

export interface EmuUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface StoredComment {
  id: number;
  node_id: string;
  pull_request_review_id: number;
  path: string;
  line: number;
  side: "LEFT" | "RIGHT";
  start_line: number | null;
  start_side: "LEFT" | "RIGHT" | null;
  body: string;
  commit_id: string;
  user: EmuUser;
  minimized: boolean;
}

export interface StoredReview {
  id: number;
  node_id: string;
  user: EmuUser;
  body: string;
  state: "COMMENTED" | "CHANGES_REQUESTED" | "APPROVED" | "PENDING";
  commit_id: string;
  submitted_at: string;
}

/** Files and commits of a PR at one head sha. */
export interface Version {
  files: EmuFile[];
  commits: EmuCommit[];
}

export interface EmuPull {
  number: number;
  title: string;
  body: string;
  author: EmuUser;
  headSha: string;
  /** Files and commits as of each head sha the PR has had. */
  versions: Map<string, Version>;
  reviews: StoredReview[];
  comments: StoredComment[];
}

export type Fault =
  | { kind: "secondary-rate-limit"; method: string; path: RegExp; retryAfter?: number; times?: number }
  | { kind: "primary-rate-limit"; method: string; path: RegExp; times?: number }
  /** Answer `status` (5xx); with `afterStore` the request takes effect first, as when a gateway fails after the backend committed. */
  | { kind: "server-error"; method: string; path: RegExp; status?: number; afterStore?: boolean; times?: number }
  /** GitHub's 422 for a review it cannot place, whatever the comments say (as when the diff changed under us). */
  | { kind: "unprocessable"; method: string; path: RegExp; errors?: string[]; times?: number }
  /** Never answer; with `afterStore` the request takes effect first. */
  | { kind: "hang"; method: string; path: RegExp; afterStore?: boolean; times?: number };

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}
