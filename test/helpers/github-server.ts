import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hunksOf } from "./github-diff-lines.js";
import type { EmuCommit, EmuFile, EmuPull, EmuUser, Fault, LoggedRequest, StoredReview } from "./github-types.js";

/**
 * A loopback emulation of the parts of GitHub's REST (and one GraphQL
 * mutation) that lkreview uses, written from GitHub's documentation:
 * pulls get, files (30 per page by default, `per_page` up to 100, `Link`
 * headers), commits, reviews list/create, review comments list, `GET /user`
 * and `minimizeComment`. Review creation validates every inline comment
 * against the PR's diff and answers 422 with GitHub's body when one does not
 * fit. Faults can be scripted: rate limits (403 + `retry-after`), a 5xx or a
 * hung response, optionally after the request took effect.
 */

export type { EmuCommit, EmuFile, EmuPull, EmuUser, Fault, LoggedRequest, StoredComment, StoredReview } from "./github-types.js";

const DOCS = "https://docs.github.com/rest";

export class GithubEmulator {
  url = "";
  readonly requests: LoggedRequest[] = [];
  /** Node ids hidden through `minimizeComment`, with their classifier. */
  readonly minimized: { id: string; classifier: string }[] = [];
  private server: Server | null = null;
  private readonly pulls = new Map<string, EmuPull>();
  private readonly users = new Map<string, EmuUser>();
  /** Tokens that, like an Actions GITHUB_TOKEN, may not call `GET /user`. */
  private readonly installationTokens = new Set<string>();
  private faults: (Fault & { left: number })[] = [];
  private nextId = 1000;
  private remaining = 5000;

  /** Registers a token and the account it belongs to. */
  addToken(token: string, user: EmuUser, opts: { installation?: boolean } = {}): void {
    this.users.set(token, user);
    if (opts.installation) this.installationTokens.add(token);
  }

  addPull(
    repo: string,
    pr: { number: number; title?: string; body?: string; author?: EmuUser; headSha: string; files: EmuFile[]; commits: EmuCommit[] },
  ): EmuPull {
    const pull: EmuPull = {
      number: pr.number,
      title: pr.title ?? "Test pull request",
      body: pr.body ?? "",
      author: pr.author ?? { login: "jane", id: 7, type: "User" },
      headSha: pr.headSha,
      versions: new Map([[pr.headSha, { files: pr.files, commits: pr.commits }]]),
      reviews: [],
      comments: [],
    };
    this.pulls.set(`${repo}#${pr.number}`, pull);
    return pull;
  }

  /** A new push: the PR's head moves to `headSha` with these files and commits. */
  push(repo: string, number: number, headSha: string, files: EmuFile[], commits: EmuCommit[]): void {
    const pull = this.pull(repo, number);
    pull.headSha = headSha;
    pull.versions.set(headSha, { files, commits });
  }

  pull(repo: string, number: number): EmuPull {
    const p = this.pulls.get(`${repo}#${number}`);
    if (!p) throw new Error(`no such pull ${repo}#${number}`);
    return p;
  }

  /** Stores a review as another account would post it (e.g. a human copying our marker). */
  addReviewAs(repo: string, number: number, user: EmuUser, body: string, commitId: string): void {
    const pull = this.pull(repo, number);
    pull.reviews.push({
      id: this.nextId++,
      node_id: `PRR_${this.nextId}`,
      user,
      body,
      state: "COMMENTED",
      commit_id: commitId,
      submitted_at: new Date().toISOString(),
    });
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Requests answered with this method and a path matching the pattern. */
  calls(method: string, path: RegExp): LoggedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.send(res, req, 500, { message: String(err) }, null);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const addr = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    this.server = null;
  }

  private send(res: ServerResponse, req: IncomingMessage, status: number, body: unknown, parsed: unknown, headers: Record<string, string> = {}): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    this.requests.push({ method: req.method ?? "", path, status, body: parsed });
    if (res.headersSent || res.destroyed) return;
    this.remaining = Math.max(0, this.remaining - 1);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/html" : "application/json; charset=utf-8",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(this.remaining),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": String(5000 - this.remaining),
      "x-ratelimit-resource": "core",
      "x-github-api-version-selected": "2022-11-28",
      ...headers,
    });
    res.end(status === 204 ? undefined : text);
  }

  private takeFault(method: string, path: string): (Fault & { left: number }) | null {
    const f = this.faults.find((x) => x.left > 0 && x.method === method && x.path.test(path));
    if (!f) return null;
    f.left--;
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let parsed: unknown = null;
    if (raw) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        this.send(res, req, 400, { message: "Problems parsing JSON", documentation_url: DOCS, status: "400" }, raw);
        return;
      }
    }
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const auth = req.headers.authorization ?? "";
    const token = auth.replace(/^(token|bearer)\s+/i, "");
    const user = this.users.get(token);
    if (!user) {
      this.send(res, req, 401, { message: "Bad credentials", documentation_url: DOCS, status: "401" }, parsed);
      return;
    }
    const fault = this.takeFault(method, url.pathname);
    if (fault?.kind === "secondary-rate-limit") {
      this.send(
        res,
        req,
        403,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
          documentation_url: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: "403",
        },
        parsed,
        { "retry-after": String(fault.retryAfter ?? 1) },
      );
      return;
    }
    if (fault?.kind === "primary-rate-limit") {
      this.send(
        res,
        req,
        403,
        {
          message: `API rate limit exceeded for user ID ${user.id}. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.`,
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          status: "403",
        },
        parsed,
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1) },
      );
      return;
    }
    if (fault?.kind === "unprocessable") {
      const a = this.unprocessable(fault.errors ?? ["Line could not be resolved"]);
      this.send(res, req, a.status, a.body, parsed);
      return;
    }
    const before = (fault?.kind === "server-error" || fault?.kind === "hang") && !fault.afterStore;
    if (fault && before) return this.answerFault(fault, req, res, parsed);
    const answer = this.route(method, url, parsed, user, token);
    if (fault) return this.answerFault(fault, req, res, parsed);
    this.send(res, req, answer.status, answer.body, parsed, answer.headers ?? {});
  }

  private answerFault(fault: Fault, req: IncomingMessage, res: ServerResponse, parsed: unknown): void {
    if (fault.kind === "hang") {
      // Keep the socket open without answering; stop() closes it.
      this.requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0] ?? "", status: 0, body: parsed });
      return;
    }
    const status = fault.kind === "server-error" ? (fault.status ?? 502) : 500;
    this.send(res, req, status, "<html><body><h1>502 Bad Gateway</h1></body></html>", parsed);
  }

  private route(method: string, url: URL, body: unknown, user: EmuUser, token: string): { status: number; body: unknown; headers?: Record<string, string> } {
    const p = url.pathname;
    if (method === "GET" && p === "/user") {
      if (this.installationTokens.has(token)) {
        return {
          status: 403,
          body: { message: "Resource not accessible by integration", documentation_url: `${DOCS}/users/users#get-the-authenticated-user`, status: "403" },
        };
      }
      return { status: 200, body: { login: user.login, id: user.id, type: user.type } };
    }
    if (method === "POST" && p === "/graphql") return this.graphql(body);
    const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)(?:\/(files|commits|reviews|comments))?$/.exec(p);
    const pull = m ? this.pulls.get(`${m[1]}/${m[2]}#${m[3]}`) : undefined;
    if (!m || !pull) return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
    const sub = m[4];
    const version = pull.versions.get(pull.headSha) ?? { files: [], commits: [] };
    if (method === "GET" && !sub) return { status: 200, body: this.pullJson(m[1] ?? "", m[2] ?? "", pull) };
    if (method === "GET" && sub === "files") {
      const files = version.files.slice(0, 3000).map((f) => ({
        sha: "0".repeat(40),
        filename: f.filename,
        status: f.status ?? "modified",
        additions: (f.patch ?? "").split("\n").filter((l) => l.startsWith("+")).length,
        deletions: (f.patch ?? "").split("\n").filter((l) => l.startsWith("-")).length,
        changes: 0,
        ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
        ...(f.patch !== null ? { patch: f.patch } : {}),
      }));
      return this.page(url, files);
    }
    if (method === "GET" && sub === "commits") {
      const commits = version.commits.slice(0, 250).map((c) => ({
        sha: c.sha,
        node_id: `C_${c.sha.slice(0, 8)}`,
        commit: { message: c.message, author: { name: pull.author.login, email: "jane@example.org", date: "2025-03-04T08:15:07Z" } },
        parents: [],
      }));
      return this.page(url, commits);
    }
    if (method === "GET" && sub === "reviews")
      return this.page(
        url,
        pull.reviews.map((r) => ({ ...r, user: { ...r.user } })),
      );
    if (method === "GET" && sub === "comments")
      return this.page(
        url,
        pull.comments.map(({ minimized: _m, ...c }) => ({ ...c, user: { ...c.user } })),
      );
    if (method === "POST" && sub === "reviews") return this.createReview(pull, body, user);
    return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
  }

  private pullJson(owner: string, repo: string, pull: EmuPull): unknown {
    return {
      number: pull.number,
      state: "open",
      title: pull.title,
      body: pull.body || null,
      user: pull.author,
      created_at: "2025-03-04T08:15:07Z",
      head: { sha: pull.headSha, ref: "topic", repo: { full_name: `${owner}/${repo}` } },
      base: { sha: "b".repeat(40), ref: "main", repo: { full_name: `${owner}/${repo}` } },
    };
  }

  /** GitHub's pagination: `per_page` (default 30, at most 100), `page` from 1, and a `Link` header. */
  private page(url: URL, items: unknown[]): { status: number; body: unknown; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number): string => {
      const u = new URL(url.toString());
      u.searchParams.set("per_page", String(perPage));
      u.searchParams.set("page", String(n));
      return u.toString();
    };
    const rels: string[] = [];
    if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`, `<${link(1)}>; rel="first"`);
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers: rels.length ? { link: rels.join(", ") } : {} };
  }

  private unprocessable(errors: string[]): { status: number; body: unknown } {
    return {
      status: 422,
      body: {
        message: "Unprocessable Entity",
        errors,
        documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
        status: "422",
      },
    };
  }

  private createReview(pull: EmuPull, body: unknown, user: EmuUser): { status: number; body: unknown } {
    const b = (body ?? {}) as Record<string, unknown>;
    const commitId = typeof b["commit_id"] === "string" ? b["commit_id"] : pull.headSha;
    const version = pull.versions.get(commitId);
    if (!version) return this.unprocessable(["Commit SHA could not be resolved"]);
    const event = b["event"];
    if (event !== undefined && event !== "COMMENT" && event !== "REQUEST_CHANGES" && event !== "APPROVE") {
      return { status: 422, body: { message: "Invalid request.\n\nevent is not a valid value.", documentation_url: DOCS, status: "422" } };
    }
    const text = typeof b["body"] === "string" ? b["body"] : "";
    if ((event === "COMMENT" || event === "REQUEST_CHANGES") && text === "") {
      return this.unprocessable([`Review body is required for ${event} events`]);
    }
    const comments = Array.isArray(b["comments"]) ? (b["comments"] as Record<string, unknown>[]) : [];
    const errors: string[] = [];
    for (const c of comments) {
      const file = version.files.find((f) => f.filename === c["path"]);
      if (!file) {
        errors.push("Path could not be resolved");
        continue;
      }
      const side = c["side"] === "LEFT" ? "left" : "right";
      const line = Number(c["line"]);
      const hunks = hunksOf(file.patch);
      const hunk = hunks.find((h) => h[side].has(line));
      if (!hunk) {
        errors.push("Pull request review thread line must be part of the diff");
        continue;
      }
      if (c["start_line"] !== undefined) {
        const start = Number(c["start_line"]);
        const startSide = c["start_side"] === "LEFT" ? "left" : side;
        if (!(start < line) || !hunk[startSide].has(start)) {
          errors.push("Pull request review thread start line must be part of the same hunk as the line.");
        }
      }
    }
    // GitHub refuses the whole review and does not say which comment was wrong.
    if (errors.length > 0) return this.unprocessable([...new Set(errors)]);
    const id = this.nextId++;
    const state = event === "APPROVE" ? "APPROVED" : event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : event === "COMMENT" ? "COMMENTED" : "PENDING";
    const review: StoredReview = { id, node_id: `PRR_${id}`, user, body: text, state, commit_id: commitId, submitted_at: new Date().toISOString() };
    pull.reviews.push(review);
    for (const c of comments) {
      const cid = this.nextId++;
      pull.comments.push({
        id: cid,
        node_id: `PRRC_${cid}`,
        pull_request_review_id: id,
        path: String(c["path"]),
        line: Number(c["line"]),
        side: c["side"] === "LEFT" ? "LEFT" : "RIGHT",
        start_line: c["start_line"] === undefined ? null : Number(c["start_line"]),
        start_side: c["start_side"] === undefined ? null : c["start_side"] === "LEFT" ? "LEFT" : "RIGHT",
        body: typeof c["body"] === "string" ? c["body"] : "",
        commit_id: commitId,
        user,
        minimized: false,
      });
    }
    return { status: 200, body: review };
  }

  private graphql(body: unknown): { status: number; body: unknown } {
    const b = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    const query = typeof b.query === "string" ? b.query : "";
    if (!/\bminimizeComment\s*\(/.test(query)) {
      return { status: 200, body: { errors: [{ message: "This emulator only knows minimizeComment" }] } };
    }
    const classifier = /classifier:\s*([A-Z_]+)/.exec(query)?.[1] ?? "";
    const given = b.variables?.["id"];
    const id = typeof given === "string" ? given : (/subjectId:\s*"([^"]+)"/.exec(query)?.[1] ?? "");
    if (!["SPAM", "ABUSE", "OFF_TOPIC", "OUTDATED", "DUPLICATE", "RESOLVED"].includes(classifier)) {
      return {
        status: 200,
        body: { errors: [{ message: `Argument 'classifier' on InputObject 'MinimizeCommentInput' has an invalid value (${classifier}).` }] },
      };
    }
    for (const pull of this.pulls.values()) {
      const c = pull.comments.find((x) => x.node_id === id);
      if (c) {
        c.minimized = true;
        this.minimized.push({ id, classifier });
        return { status: 200, body: { data: { minimizeComment: { minimizedComment: { isMinimized: true, minimizedReason: classifier.toLowerCase() } } } } };
      }
    }
    return {
      status: 200,
      body: {
        data: { minimizeComment: null },
        errors: [{ type: "NOT_FOUND", path: ["minimizeComment"], message: `Could not resolve to a node with the global id of '${id}'` }],
      },
    };
  }
}
