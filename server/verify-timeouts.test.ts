// Slow and greedy clients of the verification endpoint, over real sockets: a body that trickles in
// gets 408 and the connection closed instead of holding it for Node's default 300 s; one address
// cannot hold more than its cap of requests in flight; slow headers are cut off within a second
// of the server's header timeout, not Node's default 30 s checking interval later.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { applyServerTimeouts, serverOptions } from "@/server/timeouts";
import { VERIFY_PATH, createVerifyHandler } from "@/server/verify-handler";

const servers: http.Server[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function start(options: Parameters<typeof createVerifyHandler>[0]): Promise<{ server: http.Server; port: number }> {
  const verify = createVerifyHandler({ log: () => undefined, ...options });
  const server = http.createServer(serverOptions, verify);
  applyServerTimeouts(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A raw client: everything the server sends, and when the connection closed. */
function connect(port: number): { socket: net.Socket; received: () => string; closed: Promise<number> } {
  const socket = net.connect(port, "127.0.0.1");
  sockets.push(socket);
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
  socket.on("error", () => undefined);
  const opened = performance.now();
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now() - opened)));
  return { socket, received: () => data, closed };
}

const head = (length: number) => `POST ${VERIFY_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("verify endpoint: slow clients", () => {
  it("answers 408 and closes the connection when the body trickles in past the deadline", async () => {
    const { port } = await start({ bodyTimeoutMs: 300, maxInFlightPerClient: 0 });
    const client = connect(port);
    client.socket.write(head(200));
    client.socket.write('{"key":"');
    // One byte every 50 ms: never idle long enough for an idle timeout, never finished.
    const drip = setInterval(() => client.socket.writable && client.socket.write("a"), 50);
    try {
      await client.closed;
    } finally {
      clearInterval(drip);
    }
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received()).toContain('"code":"request_timeout"');
  });

  it("answers 429 to a client over its cap of requests in flight, and admits it again once one ends", async () => {
    const { port } = await start({ bodyTimeoutMs: 10_000, maxInFlightPerClient: 2 });
    const first = connect(port);
    const second = connect(port);
    first.socket.write(head(50));
    second.socket.write(head(50));
    // Both are in flight (bodies pending); the third request from the same address is refused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = connect(port);
    third.socket.write(head(50));
    await until(() => third.received().length > 0, 2_000);
    expect(third.received()).toMatch(/^HTTP\/1\.1 429 /);
    expect(third.received()).toContain('"code":"too_many_requests"');
    expect(third.received().toLowerCase()).toContain("retry-after: 1");

    first.socket.destroy();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fourth = connect(port);
    fourth.socket.write(`${head(1)}x`);
    await until(() => fourth.received().length > 0, 2_000);
    // Admitted: the body is read and judged (not JSON).
    expect(fourth.received()).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("cuts off headers that never finish within a second of the header timeout", async () => {
    const { server, port } = await start({ maxInFlightPerClient: 0 });
    // Shorter than in production so the test is quick; the checking interval is what is under test.
    server.headersTimeout = 500;
    server.requestTimeout = 500;
    const client = connect(port);
    client.socket.write(`POST ${VERIFY_PATH} HTTP/1.1\r\nHost: localhost\r\n`);
    const elapsed = await Promise.race([client.closed, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 5_000))]);
    expect(elapsed).toBeLessThan(5_000);
  });
});
