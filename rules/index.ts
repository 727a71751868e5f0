import type { Rule } from "../src/analyse/rule-api.js";

/**
 * The sorted registry of rules. A rule file, its doc and its test change
 * together with this list (test/rules/parity.test.ts checks it).
 */
export const RULES: readonly Rule[] = [];
