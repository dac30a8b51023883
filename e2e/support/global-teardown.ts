import fs from "node:fs";

// The server (and its embedded PostgreSQL) is stopped by Playwright before this runs.
export default function globalTeardown() {
  const dir = process.env.KEYDESK_E2E_DATA_DIR;
  if (dir && dir.includes("keydesk-e2e-")) fs.rmSync(dir, { recursive: true, force: true });
}
