import { describe, expect, it } from "vitest";
import { parseSubject } from "../../src/parse/subject.js";

interface Case {
  subject: string;
  isPatch: boolean;
  isRfc?: boolean;
  isReply?: boolean;
  isForward?: boolean;
  version?: number;
  index?: number;
  total?: number;
  title: string;
  tags?: string[];
}

const cases: Case[] = [
  { subject: "[PATCH] livepatch: Fix a leak", isPatch: true, title: "livepatch: Fix a leak", tags: ["PATCH"] },
  { subject: "[PATCH v2 3/5] livepatch: Track states", isPatch: true, version: 2, index: 3, total: 5, title: "livepatch: Track states" },
  {
    subject: "[RFC PATCH net-next v4 1/2] net: Add a knob",
    isPatch: true,
    isRfc: true,
    version: 4,
    index: 1,
    total: 2,
    title: "net: Add a knob",
    tags: ["RFC", "PATCH", "net-next", "v4", "1/2"],
  },
  { subject: "[PATCH 0/4] livepatch: Hook series", isPatch: true, index: 0, total: 4, title: "livepatch: Hook series" },
  { subject: "[PATCH V5 1/1] livepatch: Capital V", isPatch: true, version: 5, index: 1, total: 1, title: "livepatch: Capital V" },
  { subject: "[PATCH v3 10/13] livepatch: Two digits", isPatch: true, version: 3, index: 10, total: 13, title: "livepatch: Two digits" },
  { subject: "[PATCH 07/11] livepatch: Zero padded", isPatch: true, index: 7, total: 11, title: "livepatch: Zero padded" },
  { subject: "[PATCH modules-next] module: Tree tag", isPatch: true, title: "module: Tree tag", tags: ["PATCH", "modules-next"] },
  { subject: "[PATCH RESEND v2] livepatch: Resent", isPatch: true, version: 2, title: "livepatch: Resent" },
  { subject: "[RFC] livepatch: Just an idea", isPatch: false, isRfc: true, title: "livepatch: Just an idea" },
  { subject: "[PATCH] [net] tcp: Two groups", isPatch: true, title: "tcp: Two groups", tags: ["PATCH", "net"] },
  { subject: "[PATCH v2][net] tcp: No space between groups", isPatch: true, version: 2, title: "tcp: No space between groups" },
  { subject: "[PATCHv3 2/2] livepatch: Glued version", isPatch: true, version: 3, index: 2, total: 2, title: "livepatch: Glued version" },
  {
    subject: "Re: [PATCH v2 3/5] livepatch: Track states",
    isPatch: true,
    isReply: true,
    version: 2,
    index: 3,
    total: 5,
    title: "livepatch: Track states",
  },
  { subject: "Re: Re: [PATCH] livepatch: Fix a leak", isPatch: true, isReply: true, title: "livepatch: Fix a leak" },
  { subject: "RE: [PATCH] upper case", isPatch: true, isReply: true, title: "upper case" },
  { subject: "AW: [PATCH] livepatch: German reply", isPatch: true, isReply: true, title: "livepatch: German reply" },
  { subject: "Sv: [PATCH] livepatch: Scandinavian reply", isPatch: true, isReply: true, title: "livepatch: Scandinavian reply" },
  { subject: "Fwd: [PATCH] livepatch: Forwarded", isPatch: true, isForward: true, title: "livepatch: Forwarded" },
  { subject: "[net] Re: [PATCH] tcp: List tag first", isPatch: true, isReply: true, title: "tcp: List tag first" },
  { subject: "[PATCH] tr: Not a forward prefix", isPatch: true, title: "tr: Not a forward prefix" },
  { subject: "[GIT PULL] livepatching for 6.15", isPatch: false, title: "livepatching for 6.15", tags: ["GIT", "PULL"] },
  { subject: "livepatch: No tags at all", isPatch: false, title: "livepatch: No tags at all", tags: [] },
  { subject: "[PATCH 5/4] livepatch: Impossible index", isPatch: true, index: 1, total: 1, title: "livepatch: Impossible index" },
  { subject: "  [PATCH]\tlivepatch: Odd   spacing ", isPatch: true, title: "livepatch: Odd   spacing" },
];

describe("parseSubject", () => {
  it.each(cases)("$subject", (c) => {
    const info = parseSubject(c.subject);
    expect(info.isPatch).toBe(c.isPatch);
    expect(info.isRfc).toBe(c.isRfc ?? false);
    expect(info.isReply).toBe(c.isReply ?? false);
    expect(info.isForward).toBe(c.isForward ?? false);
    expect(info.version).toBe(c.version ?? 1);
    expect(info.index).toBe(c.index ?? 1);
    expect(info.total).toBe(c.total ?? 1);
    expect(info.title).toBe(c.title);
    if (c.tags) expect(info.tags).toEqual(c.tags);
  });
});
