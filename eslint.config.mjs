import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { clientBoundary } from "./eslint/client-boundary.mjs";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "node_modules/**",
      "lib/generated/**",
      ".data/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      "bench/results/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Client components import only browser-safe modules, also through schemas and helpers.
    files: ["**/*.tsx", "**/*.ts"],
    plugins: { keydesk: { rules: { "client-boundary": clientBoundary } } },
    rules: { "keydesk/client-boundary": ["error", { root: import.meta.dirname }] },
  },
  {
    // The guards and the session stand on lib/auth alone: a feature's query imported here would make
    // every page's guard, and next-auth's token refresh, depend on that feature.
    files: ["lib/auth/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/queries/*"], message: "lib/auth reads what it needs itself (e.g. lib/auth/session-user.ts)." }] },
      ],
    },
  },
];

export default config;
