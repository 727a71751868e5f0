import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config.js";
import { reviewBatch } from "../../src/pipeline.js";
import { item, patchBody, rawMail, stream } from "./mails.js";

/**
 * Hostile and extreme patches: very long lines of the shapes that make
 * regular expressions backtrack (runs of spaces, brackets, stars, `@`,
 * operators, half-open comments and strings), a 20,000-line patch and deep
 * nesting. Each must come back reviewed; how fast is what the benchmark
 * measures, not this test.
 */

const config = ConfigSchema.parse({});

/** Lines of about `n` characters built from one repeated piece, between a prefix and a tail that spoils a match. */
function long(prefix: string, piece: string, n: number, tail = "x"): string {
  return prefix + piece.repeat(Math.ceil(n / piece.length)) + tail;
}

const SHAPES: [string, string, string][] = [
  ["", " ", "x"],
  ["\t", "\t", ";"],
  ["if (", "(", ""],
  ["f(", "a, ", ")x"],
  ["/*", " word", ""],
  [" * @", "a: ", ""],
  ['\tpr_err("', "%s\\n", ""],
  ["\treturn ", "-", "1;"],
  ["\tgoto ", "err_", ";"],
  ["struct demo ", "* ", "p;"],
  ["#define X ", "\\", ""],
  ["\t", "a->", "b = kzalloc(1, GFP_KERNEL);"],
  ["\tif (", "!a && ", "b)"],
  ["// ", "recieve ", ""],
  ["\t", "{", ""],
  ["\t", "= ", "!"],
  ["\t", "; ", "x"],
  ["\t", "@", ""],
];

function mailWith(id: string, lines: string[], message?: string): ReturnType<typeof item> {
  return item(id, rawMail({ id: `${id}@example.org`, subject: `[PATCH] demo: ${id}`, body: patchBody("drivers/demo/core.c", lines, message) }));
}

describe("adversarial patches", () => {
  it("reviews lines of 3,990 and 5,000 characters in every backtracking-prone shape", async () => {
    const items = SHAPES.flatMap(([p, piece, tail], i) => [
      mailWith(`near-cap-${i}`, [long(p, piece, 3_990 - p.length - tail.length, tail)]),
      mailWith(`over-cap-${i}`, [long(p, piece, 5_000, tail)]),
    ]);
    // A commit message line of the same kind.
    items.push(mailWith("long-message", ["\treturn 0;"], long("Fix ", "the ", 5_000, "recieve path.")));
    const result = await reviewBatch(stream(items), { config, model: null, jobs: 1 });
    expect(result.errors).toEqual([]);
    expect(result.reviewed).toHaveLength(items.length);
    // Still a reviewer: the misspelling in a long (but analysed) comment is found.
    const typo = result.reviewed.find((r) => r.review.messageId === `<near-cap-${SHAPES.findIndex((s) => s[1] === "recieve ")}@example.org>`);
    expect(typo?.review.findings.some((f) => f.rule === "typo" && f.message.includes("receive"))).toBe(true);
  });

  it("reviews a 20,000-line patch, deep nesting and a long goto ladder", async () => {
    const many: string[] = [];
    for (let i = 0; many.length < 20_000; i++) {
      many.push(
        `static int demo_step${i}(struct demo_dev *d)`,
        "{",
        "\tint ret;",
        "",
        `\tret = demo_hw_write(d, ${i});`,
        "\tif (ret)",
        "\t\treturn ret;",
        "\treturn 0;",
        "}",
        "",
      );
    }
    const nested = ["int demo_nested(void)", ...Array.from({ length: 3_000 }, () => "{"), "\treturn 0;", ...Array.from({ length: 3_000 }, () => "}")];
    const ladder = ["int demo_ladder(void)", "{"];
    for (let i = 0; i < 150; i++) ladder.push(`\tp${i} = kzalloc(16, GFP_KERNEL);`, `\tif (!p${i})`, `\t\tgoto err_${i};`);
    for (let i = 149; i >= 0; i--) ladder.push(`err_${i}:`, `\tkfree(p${i});`);
    ladder.push("\treturn -ENOMEM;", "}");
    const items = [mailWith("twenty-thousand", many), mailWith("nested", nested), mailWith("ladder", ladder)];
    const result = await reviewBatch(stream(items), { config, model: null, jobs: 1 });
    expect(result.errors).toEqual([]);
    expect(result.reviewed.map((r) => r.review.messageId)).toEqual(items.map((i) => `<${i.source}@example.org>`));
    const big = result.reviewed[0];
    expect(big?.patch.files[0]?.hunks[0]?.lines.length).toBeGreaterThan(20_000);
  });
});
