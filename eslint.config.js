// ESLint flat config: typescript-eslint's strict, type-aware rules, tuned to
// what this code base intends (STYLE.md 10: strict TypeScript, no `any`,
// ESM with `import type`). Formatting is Prettier's job (.prettierrc.json),
// so no stylistic layout rules here.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores([
    "dist/",
    "node_modules/",
    "coverage/",
    // The Action bundle is esbuild's output of src/github/action.ts.
    ".github/action/",
    // Test data: mails and patches written as kernel developers send them.
    "test/corpus*/",
    "test/fixtures/",
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // No `any`, no escape hatches (STYLE.md 10).
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-expect-error": "allow-with-description", "ts-ignore": true, "ts-nocheck": true }],
      // verbatimModuleSyntax: types come in through their own `import type` line.
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      // Closed unions (Severity, DefectClass, error codes) must be handled case by case.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // `_name` marks a value left unused on purpose (a destructured field dropped, a callback's slot).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // An empty string means "not set" for environment variables (`EDITOR=` falls back, as in POSIX
      // shells) and for optional regex groups, so `a || b` on strings is deliberate; `??` elsewhere.
      "@typescript-eslint/prefer-nullish-coalescing": ["error", { ignorePrimitives: { string: true } }],
      // Line numbers and counts in messages are the point of a template; objects and unions are not.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // Bracket access marks a lookup in an index signature (env, parsed JSON, header maps): keep it.
      "@typescript-eslint/dot-notation": ["error", { allowIndexSignaturePropertyAccess: true }],
      // House style: `forEach((x) => visit(x))` for callbacks, and `return send(res, 404, ...)` to
      // answer and leave in one line in a void function (the test servers' handlers).
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // It asks for `x!` where strictTypeChecked's no-non-null-assertion forbids `x!`; src/ avoids `!`.
      "@typescript-eslint/non-nullable-type-assertion-style": "off",
      // An async method that does not await still turns a throw into a rejection, which the Promise
      // interfaces it implements (sinks, stores) rely on; forgotten awaits are no-floating-promises' job.
      "@typescript-eslint/require-await": "off",
      eqeqeq: ["error", "always"],
    },
  },
  {
    // Tests index into results they just asserted the length of; `!` there is a statement, not a hope.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The loopback servers' request handlers are async (they await the request body), and
    // no-confusing-void-expression's ignoreVoidReturningFunctions covers only functions typed
    // `void`, not `Promise<void>`; keep the house style `return send(res, 404, ...)` there too.
    files: ["test/helpers/*-server.ts"],
    rules: {
      "@typescript-eslint/no-confusing-void-expression": "off",
    },
  },
  {
    // Plain JavaScript (this file) is outside the TypeScript project.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
