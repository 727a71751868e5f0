/**
 * Hunks that open inside a definition or initialiser, as git -p shows them:
 * `fn` is the `@@` context, `lead` the context lines up to the `}` that
 * closes that scope. C rules must read a function added after them all the
 * same (shared by the rule tests, one per shape).
 */
export const LEAD_INS: readonly { shape: string; fn: string; lead: readonly string[] }[] = [
  { shape: "a struct", fn: "struct foo_ops {", lead: [" \tint (*reset)(struct foo *f);", " };"] },
  { shape: "an array of structs", fn: "static const struct of_device_id foo_of_match[] = {", lead: [' \t{ .compatible = "acme,foo" },', " \t{ }", " };"] },
  { shape: "an enum", fn: "enum foo_state {", lead: [" \tFOO_IDLE,", " \tFOO_RUNNING,", " };"] },
  { shape: "a union", fn: "union foo_reg {", lead: [" \tu32 raw;", " \tstruct { u16 lo, hi; } half;", " } __packed;"] },
  { shape: "a macro table", fn: "static const struct foo_desc foo_descs[] = {", lead: [' \tFOO_DESC(0, "zero"),', ' \tFOO_DESC(1, "one"),', " };"] },
];
