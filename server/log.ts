// Start-up and lifecycle messages. Never pass secrets, passwords or request bodies here.
export function log(message: string): void {
  process.stdout.write(`[keydesk] ${message}\n`);
}
