import type { Rule } from "../src/analyse/rule-api.js";
import errcode from "./errcode.js";
import kdoc from "./kdoc.js";
import typo from "./typo.js";
import unreleased from "./unreleased.js";
import warn from "./warn.js";

/**
 * The sorted registry of rules. A rule file, its doc and its test change
 * together with this list (test/rules/parity.test.ts checks it).
 */
export const RULES: readonly Rule[] = [errcode, kdoc, typo, unreleased, warn];
