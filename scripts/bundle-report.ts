// `npm run bundle:report`: writes docs/bundle.md (first-load JS per route) from the last
// `next build`. `--check` writes nothing and only fails (exit 1) when a route ships Node
// polyfills; `npm test` runs it after its build.
import fs from "node:fs";
import path from "node:path";
import { analyseBuild, bundleMarkdown } from "./bundle-analysis";

const root = path.resolve(import.meta.dirname, "..");
const distDir = path.resolve(root, process.env.KEYDESK_DIST_DIR || ".next");
const check = process.argv.includes("--check");

const report = analyseBuild(distDir);
const offenders = report.routes.filter((route) => route.polyfills.length > 0);
for (const route of report.routes) {
  const note = route.polyfills.length ? `  Node polyfills: ${route.polyfills.join(", ")}` : "";
  console.log(`${route.route.padEnd(28)} ${(route.bytes / 1024).toFixed(0).padStart(6)} KiB${note}`);
}
if (report.routes.length === 0) {
  console.error(`no pages found in ${distDir}: is it a complete build?`);
  process.exit(1);
}
if (!check) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "node_modules/next/package.json"), "utf8")) as { version: string };
  fs.writeFileSync(path.join(root, "docs/bundle.md"), bundleMarkdown(report, version));
  console.log("wrote docs/bundle.md");
}
if (offenders.length > 0) {
  console.error(
    `${offenders.length} route(s) ship Node polyfills to the browser: ${offenders.map((r) => r.route).join(", ")}. ` +
      "A client component reaches node:* code; `npx eslint .` (keydesk/client-boundary) names the import.",
  );
  process.exit(1);
}
