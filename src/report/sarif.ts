import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Rule } from "../analyse/rule-api.js";
import { COMMIT_MSG } from "../model.js";
import type { Finding, Review, Severity } from "../model.js";

/**
 * SARIF 2.1.0 output (`--format sarif`), for GitHub code scanning and any
 * SARIF viewer. One run, one tool (lkreview), its rules, and one result per
 * finding with a physical location (a commit-message finding points at that
 * mail's commit message, see commitMessageLocation) and our content fingerprint as a partial
 * fingerprint, so code scanning tracks a finding across pushes by content,
 * not by line.
 */

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const SARIF_VERSION = "2.1.0";
const INFORMATION_URI = "https://github.com/lkreview/lkreview";

type SarifLevel = "error" | "warning" | "note";

const LEVEL: Record<Severity, SarifLevel> = { error: "error", warning: "warning", note: "note" };

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

let cachedVersion: string | null = null;

/** lkreview's version from the nearest package.json named lkreview (works from src/, dist/ and the Action bundle). */
export function lkreviewVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "lkreview" && typeof pkg.version === "string") {
          cachedVersion = pkg.version;
          return cachedVersion;
        }
      } catch {
        // An unreadable package.json on the way up is not ours; keep looking.
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  cachedVersion = "0.0.0";
  return cachedVersion;
}

/** SARIF's artifact URIs are relative references: percent-encode what a URI may not hold, keep slashes. */
function toUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The run's `artifacts` (SARIF 3.24): here only the commit messages, one per patch mail. */
interface Artifacts {
  list: object[];
  index: Map<string, number>;
}

/** URI base of commit-message artifacts; deliberately not in `originalUriBaseIds` (see commitMessageLocation). */
export const MAIL_URI_BASE = "PATCH_MAIL";

function region(f: Finding): { startLine: number; endLine: number } {
  return { startLine: Math.max(1, f.line), endLine: Math.max(1, f.line, f.endLine) };
}

function fileLocation(f: Finding): object {
  return { physicalLocation: { artifactLocation: { uri: toUri(f.file) }, region: region(f) } };
}

/**
 * Where a finding in the commit message points. It is in no file of the
 * tree, so a repository path (the old `COMMIT_MSG`) lied: code scanning
 * showed it as a file at the top of the repository and merged the commit
 * messages of every patch into that one "file".
 *
 * What SARIF 2.1.0 offers and what GitHub code scanning accepts:
 * - a location with only `logicalLocations` (spec 3.28) is valid SARIF, but
 *   code scanning refuses a result without a physical location and a
 *   non-empty `artifactLocation.uri` (upload fails with "expected at least
 *   one location"), so it cannot stand alone;
 * - an absolute URI for the mail (`mid:` of RFC 2392, or a lore URL) is the
 *   natural name, but code scanning rejects URI schemes other than files of
 *   the repository.
 *
 * So the artifact is the commit message of this mail, named by a relative
 * reference `<Message-ID>/commit-message` under the base id PATCH_MAIL. The
 * base is left out of `originalUriBaseIds` on purpose (spec 3.14.14 lets
 * the consumer supply it: a mail archive, a maildir), the run's `artifacts`
 * entry says what it is (text/plain, with the subject and Message-ID), and
 * the region's lines are exact, counted from the first line of the commit
 * message as everywhere else in lkreview. A logical location names the
 * commit message for viewers that show those instead of paths.
 */
function commitMessageLocation(review: Review, f: Finding, artifacts: Artifacts): object {
  const id = review.messageId.replace(/^<|>$/g, "");
  const uri = `${encodeURIComponent(id)}/commit-message`;
  let index = artifacts.index.get(uri);
  if (index === undefined) {
    index = artifacts.list.length;
    artifacts.list.push({
      location: { uri, uriBaseId: MAIL_URI_BASE },
      description: { text: `Commit message of ${review.messageId}: ${review.subject}` },
      mimeType: "text/plain",
      roles: ["analysisTarget"],
    });
    artifacts.index.set(uri, index);
  }
  return {
    physicalLocation: { artifactLocation: { uri, uriBaseId: MAIL_URI_BASE, index }, region: region(f) },
    logicalLocations: [{ name: "commit message", fullyQualifiedName: `${review.messageId} commit message` }],
  };
}

/** Builds the SARIF log for a set of reviews. */
export function toSarif(reviews: readonly Review[], rules: readonly Rule[]): object {
  const driverRules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (id: string, description: string, level: Severity, tags: string[]): number => {
    const known = ruleIndex.get(id);
    if (known !== undefined) return known;
    driverRules.push({
      id,
      name: id,
      shortDescription: { text: description },
      defaultConfiguration: { level: LEVEL[level] },
      properties: { tags },
    });
    ruleIndex.set(id, driverRules.length - 1);
    return driverRules.length - 1;
  };
  for (const r of rules) addRule(r.meta.id, r.meta.description, r.meta.severity, [r.meta.class]);

  const results: object[] = [];
  const artifacts: Artifacts = { list: [], index: new Map() };
  for (const review of reviews) {
    for (const f of review.findings) {
      // Model findings (`model:<prompt>`) have no registry entry: describe them from the finding.
      const index = addRule(f.rule, f.source === "model" ? `model finding (${f.rule})` : f.rule, f.severity, [f.class]);
      results.push({
        ruleId: f.rule,
        ruleIndex: index,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [f.file === COMMIT_MSG ? commitMessageLocation(review, f, artifacts) : fileLocation(f)],
        partialFingerprints: { "lkreview/v1": f.fingerprint },
        properties: { messageId: review.messageId, subject: review.subject, source: f.source, tags: f.tags },
      });
    }
  }

  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: "lkreview",
            version: lkreviewVersion(),
            semanticVersion: lkreviewVersion(),
            informationUri: INFORMATION_URI,
            rules: driverRules,
          },
        },
        ...(artifacts.list.length > 0 ? { artifacts: artifacts.list } : {}),
        results,
      },
    ],
  };
}
