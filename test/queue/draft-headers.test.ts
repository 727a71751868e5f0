import { describe, expect, it } from "vitest";
import { draftEnvelope, splitAddressList } from "../../src/queue/draft-headers.js";

describe("draft envelope", () => {
  it("takes the Message-ID and de-duplicated To and Cc addresses, folded lines included", () => {
    const raw = [
      "From: lkreview <lkreview@example.net>",
      'To: "Developer, Jane" <jane@example.org>',
      "Cc: live-patching@vger.kernel.org,",
      " Some Maintainer <maint@example.com>, JANE@example.org",
      "Message-ID: <r.1@example.net>",
      "",
      "To: not-a-header@example.org",
    ].join("\n");
    expect(draftEnvelope(raw)).toEqual({
      messageId: "<r.1@example.net>",
      recipients: ["jane@example.org", "live-patching@vger.kernel.org", "maint@example.com"],
    });
  });

  it("names what is missing", () => {
    expect(draftEnvelope("To: a@example.org\n\nbody")).toEqual({ error: "the draft has no valid Message-ID header" });
    expect(draftEnvelope("Message-ID: <x@y>\n\nbody")).toEqual({ error: "the draft has no recipient in To or Cc" });
  });

  it("splits on commas outside quotes and brackets only", () => {
    expect(splitAddressList(`"A, B" <a@x.org>, (c, d) c@x.org,d@x.org`)).toEqual([`"A, B" <a@x.org>`, "(c, d) c@x.org", "d@x.org"]);
  });
});
