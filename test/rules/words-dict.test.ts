import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { KERNEL_TYPOS } from "../../rules/data/typos-kernel.js";
import { buildDictionary, chooseCorrection, loadDictionary } from "../../rules/utils/words-dict.js";
import type { Dictionary } from "../../rules/utils/words-dict.js";
import { hashOf } from "../../rules/utils/words-hash.js";

/**
 * The dictionary works its entries out lazily, on the first question about
 * a word: it must answer as the plain reading does, setting every trusted
 * entry into a Map in file order and then our kernel list.
 */
function plainReading(entries: readonly string[]): Map<string, string> {
  const dict = new Map<string, string>();
  for (const entry of entries) {
    const arrow = entry.indexOf("->");
    if (arrow <= 0) continue;
    const wrong = entry.slice(0, arrow).trim();
    if (!/^[A-Za-z]+$/.test(wrong)) continue;
    const fix = chooseCorrection(wrong, entry.slice(arrow + 2).split(","));
    if (fix !== null) dict.set(wrong.toLowerCase(), fix);
  }
  for (const [wrong, right] of Object.entries(KERNEL_TYPOS)) dict.set(wrong, right);
  return dict;
}

function expectSame(dict: Dictionary, plain: Map<string, string>, others: readonly string[] = []): void {
  expect([...dict.keys()].sort()).toEqual([...plain.keys()].sort());
  for (const [wrong, right] of plain) expect(dict.get(wrong), wrong).toBe(right);
  for (const w of others) expect(dict.get(w), w).toBe(plain.get(w));
}

describe("the lazily read dictionary", () => {
  const entries = [
    "acess->access",
    // A later entry of the same word with no usable correction leaves the earlier one.
    "Acess->ac'cess",
    // A later one with a correction replaces it.
    "recieve->recive",
    "  Recieve ->  receive ",
    "ot->to",
    "teh->the",
    "leafs->leaves",
    "two words->x",
    "->x",
    "  ->x",
    "accross->acros",
    "seperate->separate, desperate",
    "finsh->finish, finch",
    "refernce->references, reference",
  ];

  it("answers as setting its trusted entries one by one into a Map would", () => {
    const dict = buildDictionary(entries);
    expectSame(dict, plainReading(entries), ["Acess", "ACESS", "ot", "leafs", "two", "words", "finsh", "", "x"]);
    expect(dict.get("acess")).toBe("access");
    expect(dict.get("recieve")).toBe("receive");
    // Ours win over the file's.
    expect(dict.get("accross")).toBe("across");
    expect(dict.has("teh")).toBe(true);
    expect(dict.has("leafs")).toBe(false);
  });

  it("answers for a letter run in place, read as lower-cased text reads it", () => {
    const dict = buildDictionary(entries);
    expect(dict.hasRun("x RECIEVE y", 2, 9, hashOf("recieve"))).toBe(true);
    expect(dict.hasRun("Te\u212Ah", 0, 4, hashOf("tekh"))).toBe(false);
    expect(dict.hasRun("\u212Aernle", 0, 6, hashOf("kernle"))).toBe(dict.has("kernle"));
    // Entries left out (denied, too short, never a word) are no run's.
    expect(dict.hasRun("leafs", 0, 5, hashOf("leafs"))).toBe(false);
    expect(dict.hasRun("ot", 0, 2, hashOf("ot"))).toBe(false);
    expect(dict.hasRun("recieved", 0, 7, hashOf("recieve"))).toBe(true);
    expect(dict.hasRun("recieved", 0, 8, hashOf("recieved"))).toBe(false);
  });

  it("reads the whole word list as the plain reading does", () => {
    const ext = createRequire(import.meta.url).resolve("@cspell/dict-en-common-misspellings/cspell-ext.json");
    const data = JSON.parse(readFileSync(join(dirname(ext), "dict", "dict-en.json"), "utf8")) as {
      dictionaryDefinitions: { flagWords?: string[]; suggestWords?: string[] }[];
    };
    const all = data.dictionaryDefinitions.flatMap((d) => [...(d.flagWords ?? []), ...(d.suggestWords ?? [])]);
    expectSame(loadDictionary(), plainReading(all));
  });
});
