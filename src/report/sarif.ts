import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Rule } from "../analyse/rule-api.js";
import type { Review, Severity } from "../model.js";

/**
 * SARIF 2.1.0 output (`--format sarif`), for GitHub code scanning and any
 * SARIF viewer. One run, one tool (lkreview), its rules, and one result per
 * finding with a physical location and our content fingerprint as a partial
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
  for (const review of reviews) {
    for (const f of review.findings) {
      // Model findings (`model:<prompt>`) have no registry entry: describe them from the finding.
      const index = addRule(f.rule, f.source === "model" ? `model finding (${f.rule})` : f.rule, f.severity, [f.class]);
      results.push({
        ruleId: f.rule,
        ruleIndex: index,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: toUri(f.file) },
              region: { startLine: Math.max(1, f.line), endLine: Math.max(1, f.line, f.endLine) },
            },
          },
        ],
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
        results,
      },
    ],
  };
}
