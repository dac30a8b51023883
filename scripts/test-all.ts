// `npm test`: every suite in order — typecheck, lint, Vitest (unit + integration on a real
// PostgreSQL), production build, a check that no page ships Node polyfills, Playwright against
// the production server — then one line `N passed, N failed` summing them all. Exits non-zero
// when anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const resultsDir = path.join(root, "test-results");
fs.mkdirSync(resultsDir, { recursive: true });

interface Tally { passed: number; failed: number }
const total: Tally = { passed: 0, failed: 0 };
const lines: string[] = [];

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): boolean {
  console.log(`\n▶ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  return result.status === 0;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function record(name: string, tally: Tally) {
  total.passed += tally.passed;
  total.failed += tally.failed;
  lines.push(`${name.padEnd(12)} ${tally.passed} passed, ${tally.failed} failed`);
}

/** A runner that failed without reporting a failed test (crash, import error) counts one failure. */
function outcome(ok: boolean, passed: number, failed: number): Tally {
  return { passed, failed: !ok && failed === 0 ? 1 : failed };
}

/** A suite that is one check (typecheck, lint, build) counts as one test. */
function check(name: string, ok: boolean) {
  record(name, ok ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  return ok;
}

run("npx", ["--no-install", "next", "typegen"]);
check("typecheck", run("npx", ["--no-install", "tsc", "--noEmit"]));
check("lint", run("npx", ["--no-install", "eslint", "--max-warnings=0", "."]));

const vitestJson = path.join(resultsDir, "vitest-results.json");
fs.rmSync(vitestJson, { force: true });
const vitestOk = run("npx", ["--no-install", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
const vitest = readJson<{ numPassedTests: number; numFailedTests: number }>(vitestJson);
record("vitest", outcome(vitestOk, vitest?.numPassedTests ?? 0, vitest?.numFailedTests ?? 0));

const built = check("build", run("npx", ["--no-install", "next", "build"]));
// No page may ship Node polyfills (docs/bundle.md; `npm run bundle:report` rewrites it).
check("bundle", built && run("npx", ["--no-install", "tsx", "scripts/bundle-report.ts", "--check"]));

if (built) {
  const e2eJson = path.join(resultsDir, "e2e-results.json");
  fs.rmSync(e2eJson, { force: true });
  const e2eOk = run("npx", ["--no-install", "playwright", "test"]);
  const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(e2eJson);
  record("e2e", outcome(e2eOk, e2e?.stats.expected ?? 0, (e2e?.stats.unexpected ?? 0) + (e2e?.stats.flaky ?? 0)));
} else {
  record("e2e", { passed: 0, failed: 1 });
  lines.push("e2e          skipped: the production build failed");
}

console.log("\nSummary");
for (const line of lines) console.log(`  ${line}`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
