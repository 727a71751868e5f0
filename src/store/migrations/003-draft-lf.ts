import type { Migration } from "./types.js";

/**
 * Drafts are stored with LF line endings (as `saveDraft` always did); the
 * wire form with CRLF is made when a reply is sent. Older rows kept the
 * composer's CRLF, which showed as `?` at every line end in `queue show`.
 */
export const draftLf: Migration = {
  version: 3,
  name: "draft-lf",
  sqlite: [`UPDATE items SET draft = replace(draft, char(13) || char(10), char(10)) WHERE draft IS NOT NULL`],
  postgres: [`UPDATE items SET draft = replace(draft, chr(13) || chr(10), chr(10)) WHERE draft IS NOT NULL`],
};
