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

// This file spells out every pattern it looks for, so it is not searched itself.
const self = path.relative(root, import.meta.filename);
const files = ["app", "components", "lib", "server", "scripts", "bench", "e2e", "tests"]
  .flatMap((dir) => sources(dir))
  .filter((file) => file !== self)
  .concat(["proxy.ts"]);

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

  it("the row-id pattern and isGuid() live in lib/ids.ts only, the public-id pattern in lib/keys/public-id.ts", () => {
    // "^[0-9a-f]{8}-…" in any case, and the looser "[0-9a-f-]{36}" that once stood in for it.
    expect(definitions(/\^\[0-9a-f\]\{8\}-|\[0-9a-f-\]\{36\}/i)).toEqual(["lib/ids.ts"]);
    expect(definitions(/\bfunction isGuid\s*\(/)).toEqual(["lib/ids.ts"]);
    expect(definitions(/\[0-9A-Za-z\]\{\$\{PUBLIC_ID_RANDOM_LENGTH\}\}/)).toEqual(["lib/keys/public-id.ts"]);
  });

  it("session and device cookie names, and the original-URL header, live in lib/auth/session-policy.ts only", () => {
    expect(definitions(/next-auth\.session-token/)).toEqual(["lib/auth/session-policy.ts"]);
    expect(definitions(/keydesk-device/)).toEqual(["lib/auth/session-policy.ts"]);
    expect(definitions(/x-keydesk-url/)).toEqual(["lib/auth/session-policy.ts"]);
  });

  it("KeyStatus and its list live in lib/keys/status.ts only", () => {
    expect(definitions(/\btype KeyStatus\s*=/)).toEqual(["lib/keys/status.ts"]);
    expect(definitions(/\bKEY_STATUSES\s*=/)).toEqual(["lib/keys/status.ts"]);
  });

  it("the lists' URL schema (search, direction, page) and firstValues() live in lib/validations/list-params.ts only", () => {
    expect(definitions(/\bfunction firstValues\s*\(/)).toEqual(["lib/validations/list-params.ts"]);
    expect(definitions(/\.min\(1\)\.max\(100_000\)\.catch\(1\)/)).toEqual(["lib/validations/list-params.ts"]);
    expect(definitions(/z\.enum\(\["asc", "desc"\]\)\.catch\(/)).toEqual(["lib/validations/list-params.ts"]);
    expect(definitions(/\.max\(100\)[\s\S]{0,200}\.transform\(\(q\) =>/)).toEqual(["lib/validations/list-params.ts"]);
  });

  it("number formatters live in lib/format.ts only", () => {
    expect(definitions(/new Intl\.NumberFormat\(/)).toEqual(["lib/format.ts"]);
    // A helper of one's own around toLocaleString, arrow or function, is a formatter too.
    expect(definitions(/\(\w+: number\)\s*(?::\s*string\s*)?=>[^\n]*\.toLocaleString\(|function \w+\([^)]*: number[^)]*\)[^{]*\{\s*return[^;]*\.toLocaleString\(/)).toEqual([]);
  });
});
