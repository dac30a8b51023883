// End-to-end tests drive real Chromium against the production server (server/index.ts after
// `next build`) on a fresh embedded PostgreSQL, created for this run and deleted afterwards.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// A free port, unless KEYDESK_E2E_PORT names one: a fixed default fails whenever anything else
// (a developer's Keydesk, another checkout's run) holds it. Tried at random below Linux's
// ephemeral range (32768+), so no outgoing connection takes it before the server binds it. The
// config is evaluated synchronously, hence the short child process.
function freePort(): string {
  const script = `const net = require("net");
    const attempt = (left) => {
      const port = left > 0 ? 20000 + Math.floor(Math.random() * 12000) : 0;
      const server = net.createServer();
      server.once("error", () => attempt(left - 1));
      server.listen(port, "0.0.0.0", () => {
        const bound = server.address().port;
        server.close(() => process.stdout.write(String(bound)));
      });
    };
    attempt(20);`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}
// Workers re-evaluate this file; env vars set by the first evaluation keep them on one port and
// one dir (worker processes inherit the runner's environment).
process.env.KEYDESK_E2E_PORT ||= freePort();
const port = Number(process.env.KEYDESK_E2E_PORT);
if (!process.env.KEYDESK_E2E_DATA_DIR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-e2e-"));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as `postgres` and must traverse it.
  fs.chmodSync(dir, 0o755);
  process.env.KEYDESK_E2E_DATA_DIR = dir;
}
const dataDir = process.env.KEYDESK_E2E_DATA_DIR;
export const e2eBaseURL = `http://localhost:${port}`;

// Debian's Chromium where it exists (CI, these machines cannot download browsers); Playwright's
// own browser elsewhere, e.g. on a laptop after `npx playwright install chromium`.
const systemChromium = "/usr/bin/chromium";
const launchOptions = {
  executablePath: fs.existsSync(systemChromium) ? systemChromium : undefined,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-results.json" }]],
  globalTeardown: "./e2e/support/global-teardown.ts",
  use: {
    baseURL: e2eBaseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions,
  },
  projects: [
    // First-run setup must happen on the empty database before anything else signs in.
    { name: "first-run", testMatch: /first-run\.spec\.ts/, use: { ...devices["Desktop Chrome"], launchOptions } },
    {
      name: "chromium",
      testIgnore: /(first-run|log-leak)\.spec\.ts/,
      dependencies: ["first-run"],
      use: { ...devices["Desktop Chrome"], launchOptions },
    },
    // Last: reads the server's log of the whole run and looks for every secret revealed in it.
    { name: "log-leak", testMatch: /log-leak\.spec\.ts/, dependencies: ["chromium"] },
  ],
  webServer: {
    command: "npx --no-install tsx server/index.ts",
    url: `${e2eBaseURL}/sign-in`,
    timeout: 120_000,
    reuseExistingServer: false,
    // SIGTERM lets the server flush and stop its embedded PostgreSQL cleanly.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      KEYDESK_DATA_DIR: dataDir,
      KEYDESK_LOG_FILE: path.join(dataDir, "server.log"),
      NEXTAUTH_URL: e2eBaseURL,
      DATABASE_URL: "",
      // e2e/notifications.spec.ts points a webhook at a plain-http receiver on this machine.
      KEYDESK_WEBHOOK_ALLOW_PRIVATE: "1",
    },
  },
});
