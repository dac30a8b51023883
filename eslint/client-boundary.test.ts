// keydesk/client-boundary on small module graphs written to a temporary directory, linted by
// ESLint with the TypeScript parser of eslint-config-next, as in eslint.config.mjs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint, type Linter } from "eslint";
import nextTs from "eslint-config-next/typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientBoundary } from "./client-boundary.mjs";

let root: string;

const files: Record<string, string> = {
  "lib/gen.ts": `import { randomBytes } from "node:crypto";\nexport const make = () => randomBytes(4);\nexport type Made = Buffer;\n`,
  "lib/schema.ts": `import { make } from "./gen";\nexport const MAX = 12;\nexport const check = () => make();\n`,
  "lib/safe.ts": `import type { Made } from "./gen";\nimport { clsx } from "clsx";\nexport const MIN = 2;\nexport type Alias = Made;\nexport const join = clsx;\n`,
  "lib/guarded.ts": `import "server-only";\nexport const secret = 1;\n`,
  "lib/actions.ts": `"use server";\nimport fs from "node:fs";\nexport async function act() { fs.statSync("."); }\n`,
  "lib/cycle-a.ts": `import { b } from "./cycle-b";\nexport const a = () => b;\n`,
  "lib/cycle-b.ts": `import { a } from "./cycle-a";\nexport const b = () => a;\n`,
  "server-side.ts": `import fs from "node:fs";\nimport { make } from "./lib/gen";\nexport const x = [fs, make];\n`,
};

async function lint(name: string, code: string): Promise<string[]> {
  const file = path.join(root, name);
  fs.writeFileSync(file, code);
  // The parser the project's config (eslint.config.mjs) uses for TypeScript.
  const parser = (nextTs as Linter.Config[])
    .map((entry) => entry.languageOptions?.parser as Linter.Parser | undefined)
    .find((candidate) => candidate?.meta?.name === "typescript-eslint/parser");
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts", "**/*.tsx"],
        languageOptions: { parser },
        plugins: { keydesk: { rules: { "client-boundary": clientBoundary } } },
        rules: { "keydesk/client-boundary": ["error", { root }] },
      },
    ],
  });
  const [result] = await eslint.lintFiles([file]);
  return result!.messages.map((message) => message.message);
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "client-boundary-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("keydesk/client-boundary", () => {
  it("reports a client import that reaches node:* through a schema, with the chain", async () => {
    const messages = await lint("a.tsx", `"use client";\nimport { MAX } from "@/lib/schema";\nexport const A = () => MAX;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("@/lib/schema → ./gen → node:crypto");
  });

  it("reports direct Node built-ins, server-only modules and re-exports", async () => {
    expect(await lint("b.tsx", `"use client";\nimport fs from "fs";\nexport const B = fs;\n`)).toEqual([expect.stringContaining("leads to fs")]);
    expect(await lint("c.tsx", `"use client";\nimport { secret } from "./lib/guarded";\nexport const C = secret;\n`)).toEqual([
      expect.stringContaining("./lib/guarded → server-only"),
    ]);
    expect(await lint("d.tsx", `"use client";\nexport { check } from "./lib/schema";\n`)).toHaveLength(1);
    expect(await lint("e.tsx", `"use client";\nexport const load = () => import("./lib/gen");\n`)).toHaveLength(1);
  });

  it("allows type-only imports, server actions, packages and import cycles", async () => {
    const code = [
      `"use client";`,
      `import type { Made } from "./lib/gen";`,
      `import { type Made as M2 } from "./lib/gen";`,
      `import { act } from "./lib/actions";`,
      `import { MIN, join } from "./lib/safe";`,
      `import { a } from "./lib/cycle-a";`,
      `export const F = (m: Made, n: M2) => [m, n, act, MIN, join, a];`,
    ].join("\n");
    expect(await lint("f.tsx", code)).toEqual([]);
  });

  it("leaves server modules alone", async () => {
    expect(await lint("g.ts", files["server-side.ts"]!)).toEqual([]);
  });
});
