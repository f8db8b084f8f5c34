// ESLint (flat config) for the whole repository.
//
// - TypeScript with type information everywhere (typescript-eslint's
//   recommended type-checked rules); a forgotten `await` is an error
//   (`no-floating-promises`: in Convex code, an un-awaited `ctx.db` or
//   `ctx.scheduler` call is a real bug).
// - Convex's rules for `convex/`.
// - React hooks (including the React Compiler rules) and Next.js rules for
//   the web app.
import convexPlugin from "@convex-dev/eslint-plugin";
import nextPlugin from "@next/eslint-plugin-next";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const WEB_APP = ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "hooks/**/*.{ts,tsx}", "proxy.ts"];

/** An import of one of the repository's top-level folders, by `@/` or by a relative path. */
const folder = (...names) => `^(@/|(\\.\\./)+)(${names.join("|")})(/|$)`;
/** local-convex is used through its package entry only: not its files, by path or by package subpath. */
const LOCAL_CONVEX_DEEP = "^(@/|\\./|(\\.\\./)+)local-convex(/|$)|^local-convex/";
const LOCAL_CONVEX_MESSAGE =
  'Use local-convex through its package entry (`import … from "local-convex"`); its files are its own.';
const LOCAL_CONVEX_ENTRY_ONLY = { regex: LOCAL_CONVEX_DEEP, message: LOCAL_CONVEX_MESSAGE };
/** The same pattern inside an AST selector, where a regular expression may not contain "/". */
const LOCAL_CONVEX_DEEP_IN_SELECTOR = LOCAL_CONVEX_DEEP.replaceAll("/", "\\x2F");
/** The rule's patterns for a folder, plus local-convex's boundary (a later config's patterns replace an earlier one's). */
const restrict = (...patterns) => ["error", { patterns: [...patterns, LOCAL_CONVEX_ENTRY_ONLY] }];
const NO_ZOD = {
  group: ["zod", "zod/*"],
  message: "zod stays on the server (convex/lib/ai/): it would ship to the browser.",
};

export default defineConfig([
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "convex/_generated/**",
    ".local/**",
    "coverage/**",
    "test-results/**",
    "next-env.d.ts",
  ]),

  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },

  convexPlugin.configs.recommended,

  // local-convex's boundary, everywhere outside it (the folder configs below repeat it through `restrict`),
  // for import and export declarations, `import()` and `import("…").Type`.
  {
    files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs}"],
    ignores: ["local-convex/**"],
    rules: {
      "no-restricted-imports": restrict(),
      "no-restricted-syntax": [
        "error",
        {
          selector: `ImportExpression[source.value=/${LOCAL_CONVEX_DEEP_IN_SELECTOR}/]`,
          message: LOCAL_CONVEX_MESSAGE,
        },
        {
          selector: `TSImportType[argument.literal.value=/${LOCAL_CONVEX_DEEP_IN_SELECTOR}/]`,
          message: LOCAL_CONVEX_MESSAGE,
        },
      ],
    },
  },

  // Dependencies flow one way: app → components → hooks → lib, and convex → lib.
  // The web app imports other folders by `@/` (the Convex bundler knows no alias,
  // so convex/ and lib/ import by relative paths), and only `_generated` of convex/.
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        {
          regex: `${folder("convex", "app", "components", "hooks", "local-convex", "tests")}|^local-convex(/|$)`,
          message: "lib/ is imported by both the server and the web app: it imports neither.",
        },
        NO_ZOD,
      ),
    },
  },
  {
    files: ["convex/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        { regex: folder("app", "components", "hooks"), message: "convex/ depends on lib/ only, never on the web app." },
        { regex: "^@/", message: "convex/ imports by relative paths: Convex's bundler does not know the @/ alias." },
      ),
    },
  },
  {
    files: ["hooks/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict(
        { regex: folder("app", "components"), message: "hooks/ depend on lib/ only, never on components or pages." },
        {
          regex: "^@/convex/(?!_generated/)",
          message: "The web app uses convex/ only through convex/_generated (the api).",
        },
        { regex: "^\\.\\./", message: "The web app imports other folders by @/, not by ../ paths." },
        NO_ZOD,
      ),
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict(
        { regex: folder("app"), message: "components/ never import pages (app/)." },
        {
          regex: "^@/convex/(?!_generated/)",
          message: "The web app uses convex/ only through convex/_generated (the api).",
        },
        { regex: "^\\.\\./", message: "The web app imports other folders by @/, not by ../ paths." },
        NO_ZOD,
      ),
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "proxy.ts"],
    rules: {
      "no-restricted-imports": restrict(
        {
          regex: "^@/convex/(?!_generated/)",
          message: "The web app uses convex/ only through convex/_generated (the api).",
        },
        { regex: "^\\.\\./", message: "The web app imports other folders by @/, not by ../ paths." },
        NO_ZOD,
      ),
    },
  },

  {
    files: WEB_APP,
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      ...reactHooks.configs.flat["recommended-latest"].rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
    },
  },

  // Plain JavaScript config files are not part of any TypeScript project.
  { files: ["**/*.{js,mjs,cjs}"], extends: [tseslint.configs.disableTypeChecked] },
]);
