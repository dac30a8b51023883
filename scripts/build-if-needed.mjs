// `npm start` runs this first: it builds the production bundle when there is none, or when the
// sources changed since the last build, so a fresh clone needs only `npm install && npm start`.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const inputs = ["app", "components", "lib", "public", "types", "proxy.ts", "next.config.mjs", "postcss.config.mjs",
  "tailwind.config.ts", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];
const skip = new Set(["node_modules", ".next", "generated"]);
if (process.env.KEYDESK_DIST_DIR) skip.add(process.env.KEYDESK_DIST_DIR);

function collect(target, files) {
  const full = path.join(root, target);
  if (!fs.existsSync(full)) return;
  const stat = fs.statSync(full);
  if (stat.isFile()) return void files.push(target);
  for (const entry of fs.readdirSync(full).sort()) {
    if (!skip.has(entry)) collect(path.join(target, entry), files);
  }
}

const files = [];
for (const input of inputs) collect(input, files);
const hash = createHash("sha256");
for (const file of files) hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file)));
const fingerprint = hash.digest("hex");

const distDir = path.join(root, process.env.KEYDESK_DIST_DIR || ".next");
const stampFile = path.join(distDir, "keydesk-source-hash");
const built = fs.existsSync(path.join(distDir, "BUILD_ID"));
if (built && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === fingerprint) process.exit(0);

console.log(built ? "[keydesk] sources changed since the last build: rebuilding" : "[keydesk] no production build yet: building (one-time, about a minute)");
const result = spawnSync("npx", ["--no-install", "next", "build"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stampFile, fingerprint);
