// The bundle report on a miniature build directory shaped like Next 16's (Turbopack) output.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyseBuild, bundleMarkdown, nodePolyfillsIn, routeFromEntry } from "./bundle-analysis";

const dist = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-analysis-"));
afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
  fs.writeFileSync(path.join(dist, file), text);
}

function page(entry: string, entryJSFiles: Record<string, string[]>) {
  const dir = entry.replace(/\/page$/, "");
  const manifest = { moduleLoading: { prefix: "" }, clientModules: {}, entryCSSFiles: {}, entryJSFiles };
  write(
    `server/app${dir}/page_client-reference-manifest.js`,
    `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\nglobalThis.__RSC_MANIFEST[${JSON.stringify(entry)}] = ${JSON.stringify(manifest)};\n`,
  );
}

// What Turbopack leaves in a chunk that bundles crypto-browserify (abridged from a real build).
const CRYPTO_POLYFILL = `tn.ab="/ROOT/node_modules/next/dist/compiled/crypto-browserify/";var ti={};ti.randomBytes=ti.rng=function(){}`;

describe("bundle analysis", () => {
  write("build-manifest.json", JSON.stringify({ rootMainFiles: ["static/chunks/main.js"], polyfillFiles: ["static/chunks/legacy.js"] }));
  // Next's own process shim is in every page and is not a Node polyfill of ours.
  write("static/chunks/main.js", `${"x".repeat(2048)}e.ab="/ROOT/node_modules/next/dist/compiled/process/"`);
  write("static/chunks/layout.js", "y".repeat(1024));
  write("static/chunks/form.js", `${"z".repeat(4096)}${CRYPTO_POLYFILL}`);
  page("/(auth)/sign-in/page", { "[project]/app/layout": ["static/chunks/layout.js"] });
  page("/(dashboard)/admin/projects/page", {
    "[project]/app/layout": ["static/chunks/layout.js"],
    "[project]/app/(dashboard)/admin/projects/page": ["static/chunks/layout.js", "static/chunks/form.js"],
  });

  it("finds Node polyfills by the path the bundler leaves in them, not Next's process shim", () => {
    expect(nodePolyfillsIn(CRYPTO_POLYFILL)).toEqual(["crypto-browserify"]);
    expect(nodePolyfillsIn(`a.ab="/ROOT/node_modules/next/dist/compiled/process/"`)).toEqual([]);
    expect(nodePolyfillsIn("const crypto = window.crypto.getRandomValues(new Uint8Array(4));")).toEqual([]);
  });

  it("names routes without route groups", () => {
    expect(routeFromEntry("/(dashboard)/settings/api-keys/(list)/page")).toBe("/settings/api-keys");
    expect(routeFromEntry("/(dashboard)/page")).toBe("/");
    expect(routeFromEntry("/_not-found/page")).toBe("/_not-found");
  });

  it("sums each route's first-load chunks once and flags the route that ships a polyfill", () => {
    const report = analyseBuild(dist);
    expect(report.routes.map((r) => [r.route, r.polyfills])).toEqual([
      ["/admin/projects", ["crypto-browserify"]],
      ["/sign-in", []],
    ]);
    const [projects, signIn] = report.routes;
    const mainBytes = fs.statSync(path.join(dist, "static/chunks/main.js")).size;
    expect(signIn!.bytes).toBe(mainBytes + 1024);
    expect(projects!.bytes).toBe(mainBytes + 1024 + 4096 + CRYPTO_POLYFILL.length);
    expect(projects!.gzipBytes).toBeLessThan(projects!.bytes);
    expect(report.shared.bytes).toBe(mainBytes);
    const markdown = bundleMarkdown(report, "16.0.0");
    expect(markdown).toContain("| `/admin/projects` | 7 KiB |");
    expect(markdown).toContain("**crypto-browserify**");
    expect(markdown).toMatch(/\| `\/sign-in` \| 3 KiB \| \d+ KiB \| none \|/);
  });

  it("refuses a directory without a build", () => {
    expect(() => analyseBuild(path.join(dist, "missing"))).toThrow(/run `next build` first/);
  });
});
