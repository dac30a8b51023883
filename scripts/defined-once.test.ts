// House rule (STYLE.md, "Constants once"): a shared constant or helper has one definition, imported everywhere.
// Copies drift apart (a day of 86_400_000 here, 24 * 60 * 60 * 1000 there, one formValues that
// skips a field): this keeps the ones already gathered from coming back.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const skip = new Set(["node_modules", ".next", "generated", "test-results", ".data"]);

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith(".next")) continue;
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(relative, out);
    else if (/\.(ts|tsx|mjs)$/.test(entry.name)) out.push(relative);
  }
  return out;
}

const files = ["app", "components", "lib", "server", "scripts", "bench", "e2e", "tests"].flatMap((dir) => sources(dir));

function definitions(pattern: RegExp): string[] {
  return files.filter((file) => pattern.test(fs.readFileSync(path.join(root, file), "utf8")));
}

describe("defined once", () => {
  it("DAY_MS lives in lib/dates.ts only", () => {
    expect(definitions(/\bconst DAY_MS\s*=/)).toEqual(["lib/dates.ts"]);
  });

  it("formValues() lives in lib/actions/form-state.ts only", () => {
    expect(definitions(/\bfunction formValues\s*\(/)).toEqual(["lib/actions/form-state.ts"]);
  });
});
