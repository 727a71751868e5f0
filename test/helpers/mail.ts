import type { Mail } from "../../src/model.js";

/**
 * A parsed Mail for tests that build patches by hand: every field set, with
 * a neutral default (Jane Developer as author, no recipients, no threading,
 * no list) unless the test names it. Suites state only what they look at.
 */
export function mailWith(over: Partial<Mail> = {}): Mail {
  return {
    source: "test",
    messageId: "<test@example.org>",
    subject: "",
    from: { name: "Jane Developer", address: "jane@example.org" },
    replyTo: [],
    to: [],
    cc: [],
    date: "",
    inReplyTo: null,
    references: [],
    listId: null,
    autoSubmitted: null,
    body: "",
    ...over,
  };
}
