// Root of Keydesk's local state (the embedded database, generated secrets, the audit chain's
// recorded head): KEYDESK_DATA_DIR, or .data in the working directory. A module of its own so
// that code bundled into Next (the audit log) can find it without loading the embedded server.
import fs from "node:fs";
import path from "node:path";

export function dataDir(): string {
  const dir = path.resolve(process.env.KEYDESK_DATA_DIR ?? path.join(process.cwd(), ".data"));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
