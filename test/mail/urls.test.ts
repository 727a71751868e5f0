import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { classifySmtpError } from "../../src/mail/smtp.js";
import { parseServerUrl, redactUrl } from "../../src/mail/urls.js";

describe("server URLs", () => {
  it("hides the password in every printed form", () => {
    expect(redactUrl("imaps://bot:p%40ss@imap.example.org:993")).toBe("imaps://bot:***@imap.example.org:993");
    expect(redactUrl("smtp://mail.example.org")).toBe("smtp://mail.example.org");
    expect(redactUrl("not a url //user:secret@host")).not.toContain("secret");
  });

  it("takes credentials from the URL, else from the environment, and picks default ports", () => {
    const u = parseServerUrl("imaps://bot:p%40ss@imap.example.org", "imap", {});
    expect(u).toMatchObject({ host: "imap.example.org", port: 993, secure: true, user: "bot", pass: "p@ss" });
    const e = parseServerUrl("smtp://mail.example.org", "smtp", { LKREVIEW_SMTP_USER: "u", LKREVIEW_SMTP_PASS: "p" });
    expect(e).toMatchObject({ port: 587, secure: false, user: "u", pass: "p" });
    expect(parseServerUrl("smtps://mail.example.org", "smtp", {}).port).toBe(465);
  });

  it("refuses the wrong scheme with a usage error naming the redacted URL", () => {
    expect(() => parseServerUrl("http://u:secret@example.org", "imap", {})).toThrow(LkreviewError);
    expect(() => parseServerUrl("http://u:secret@example.org", "imap", {})).toThrow(/http:\/\/u:\*\*\*@example.org/);
  });
});

describe("SMTP answers", () => {
  it("4xx and network faults retry, 5xx fails, refused credentials stop everything", () => {
    expect(classifySmtpError({ responseCode: 451, response: "451 4.3.0 try later" })).toEqual({ kind: "retry", error: "SMTP 451: 4.3.0 try later" });
    expect(classifySmtpError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" }).kind).toBe("retry");
    expect(classifySmtpError({ responseCode: 554, response: "554 no\r\nBcc: x" })).toEqual({ kind: "failed", error: "SMTP 554: no Bcc: x" });
    expect(classifySmtpError({ code: "EAUTH", responseCode: 535, response: "535 bad" }).kind).toBe("auth");
  });
});
