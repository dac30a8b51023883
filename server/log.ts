// Start-up and lifecycle messages. Never pass secrets, passwords or request bodies here.
// A broken stdout (EPIPE) is handled once for the whole process, in server/log-file.ts.
export function log(message: string): void {
  process.stdout.write(`[keydesk] ${message}\n`);
}
