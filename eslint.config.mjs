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
