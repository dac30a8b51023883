// What each page of a production build (`next build`, Turbopack) sends to the browser before it
// can run: the framework's root chunks plus every chunk its client-reference manifest lists for
// the page and the layouts, error and loading boundaries around it. Also which of those chunks
// carry Next's browser polyfills for Node built-ins, which a page only gets when a client
// component (or something it imports) reaches `node:*` code; eslint/client-boundary.mjs guards
// the source, this guards the output.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";

/**
 * Next's polyfills for Node built-ins (next/dist/build/webpack-config.js, `fallback`), found by
 * the path the bundler leaves in each one. `process` is not here: Next ships its own small
 * process shim to every page.
 */
const NODE_POLYFILLS = [
  "assert",
  "browserify-zlib",
  "buffer",
  "constants-browserify",
  "crypto-browserify",
  "domain-browser",
  "events",
  "https-browserify",
  "os-browserify",
  "path-browserify",
  "punycode",
  "querystring-es3",
  "setimmediate",
  "stream-browserify",
  "stream-http",
  "string_decoder",
  "timers-browserify",
  "tty-browserify",
  "util",
  "vm-browserify",
];
const POLYFILL_MARKER = new RegExp(`node_modules/next/dist/compiled/(${NODE_POLYFILLS.join("|")})/`, "g");

export interface RouteBundle {
  route: string;
  chunks: string[];
  bytes: number;
  gzipBytes: number;
  /** Names of Node polyfills found in the route's chunks, sorted; empty when clean. */
  polyfills: string[];
}

export interface BundleReport {
  /** Chunks every page loads (the framework and the root layout's runtime). */
  shared: { bytes: number; gzipBytes: number };
  routes: RouteBundle[];
}

/** The Node polyfills whose code is in a chunk. */
export function nodePolyfillsIn(code: string): string[] {
  return [...new Set([...code.matchAll(POLYFILL_MARKER)].map((match) => match[1]!))].sort();
}

/** "/(dashboard)/settings/api-keys/(list)/page" → "/settings/api-keys". */
export function routeFromEntry(entry: string): string {
  const route = entry
    .replace(/\/page$/, "")
    .split("/")
    .filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment))
    .join("/");
  return `/${route}`;
}

function pageManifests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pageManifests(full);
    return entry.name === "page_client-reference-manifest.js" ? [full] : [];
  });
}

/** The manifest is a script assigning to globalThis.__RSC_MANIFEST; run it in an empty context. */
function readClientManifest(file: string): { entry: string; entryJSFiles: Record<string, string[]> } {
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, { timeout: 1_000 });
  const [entry, manifest] = Object.entries(sandbox.__RSC_MANIFEST ?? {})[0] ?? [];
  if (!entry || !manifest) throw new Error(`${file} holds no client reference manifest`);
  return { entry, entryJSFiles: manifest.entryJSFiles ?? {} };
}

export function analyseBuild(distDir: string): BundleReport {
  const buildManifest = path.join(distDir, "build-manifest.json");
  if (!fs.existsSync(buildManifest)) throw new Error(`${buildManifest} not found: run \`next build\` first`);
  const { rootMainFiles } = JSON.parse(fs.readFileSync(buildManifest, "utf8")) as { rootMainFiles: string[] };

  const sizes = new Map<string, { bytes: number; gzipBytes: number; polyfills: string[] }>();
  const measure = (chunk: string) => {
    let size = sizes.get(chunk);
    if (!size) {
      const code = fs.readFileSync(path.join(distDir, chunk));
      size = { bytes: code.length, gzipBytes: zlib.gzipSync(code).length, polyfills: nodePolyfillsIn(code.toString("utf8")) };
      sizes.set(chunk, size);
    }
    return size;
  };
  const total = (chunks: string[]) => {
    const sum = { bytes: 0, gzipBytes: 0, polyfills: new Set<string>() };
    for (const chunk of chunks) {
      const size = measure(chunk);
      sum.bytes += size.bytes;
      sum.gzipBytes += size.gzipBytes;
      size.polyfills.forEach((name) => sum.polyfills.add(name));
    }
    return sum;
  };

  const shared = total(rootMainFiles);
  const routes = pageManifests(path.join(distDir, "server", "app")).map((file): RouteBundle => {
    const { entry, entryJSFiles } = readClientManifest(file);
    const chunks = [...new Set([...rootMainFiles, ...Object.values(entryJSFiles).flat()])].sort();
    const sum = total(chunks);
    return { route: routeFromEntry(entry), chunks, bytes: sum.bytes, gzipBytes: sum.gzipBytes, polyfills: [...sum.polyfills].sort() };
  });
  routes.sort((a, b) => a.route.localeCompare(b.route));
  return { shared: { bytes: shared.bytes, gzipBytes: shared.gzipBytes }, routes };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export function bundleMarkdown(report: BundleReport, nextVersion: string): string {
  const rows = report.routes.map(
    (route) => `| \`${route.route}\` | ${kib(route.bytes)} | ${kib(route.gzipBytes)} | ${route.polyfills.length ? `**${route.polyfills.join(", ")}**` : "none"} |`,
  );
  return [
    "# First-load JavaScript per route",
    "",
    "<!-- Generated by `npm run bundle:report` (scripts/bundle-report.ts) from the last `next build`; do not edit by hand. -->",
    "",
    `What the browser downloads before a page can run, from a production build with Next.js ${nextVersion} (Turbopack):`,
    "the framework's root chunks plus the chunks of the page and of the layouts and boundaries around it.",
    "Sizes are of the files as built (minified) and gzip-compressed. Every route shares",
    `${kib(report.shared.bytes)} (${kib(report.shared.gzipBytes)} gzip) of framework code.`,
    "",
    "| Route | First-load JS | gzip | Node polyfills |",
    "|---|---:|---:|---|",
    ...rows,
    "",
    "A route with Node polyfills ships browser versions of Node built-ins (crypto, buffer, zlib, …) because a client",
    "component imports, directly or through a schema, a module that uses them. `npm test` fails when any route does",
    "(`scripts/bundle-report.ts --check` after the build), and `keydesk/client-boundary` in eslint.config.mjs reports",
    "the import that causes it. When `/admin/projects`' form schema imported the key generator, that page weighed",
    "1,413 KiB; without it, 830 KiB.",
    "",
  ].join("\n");
}
