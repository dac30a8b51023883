// Binding Keydesk's HTTP port. The port is probed before anything else starts, so a taken port
// fails in a second and leaves no database running; the real bind, minutes of start-up later, can
// still lose a race for it, and then fails the same way (server/index.ts stops what it started).
import net from "node:net";

/** server.listen as a promise: rejects with the bind error instead of emitting an uncaught one. */
export function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Binds and releases the port; rejects with the same error the real bind would meet. */
export async function probePort(port: number, host: string): Promise<void> {
  const probe = net.createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** PORT as a TCP port number; anything else is refused before start-up begins. */
export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port (0–65535), got "${raw}"`);
  return port;
}

/** What to tell the operator when the HTTP port cannot be bound; the raw error otherwise. */
export function describeListenError(error: unknown, port: number, host: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} is already in use (on ${host}): another Keydesk or another program listens there. Stop it, or start Keydesk on a free port, e.g. PORT=${port === 65535 ? port - 1 : port + 1} npm start.`;
    case "EACCES":
      return `not allowed to listen on port ${port} (on ${host}): ports below 1024 need extra privileges. Use a port above 1023, e.g. PORT=3000.`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${host}:${port}: ${host} is not an address of this machine. Set HOST to one of its addresses, or 0.0.0.0 for all.`;
    default:
      return `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
