// A TCP proxy in front of the test PostgreSQL that a test can take down and bring back: the
// database stays up for everything else, while whatever connects through the proxy sees it
// "stopped" (connections cut, new ones refused) until resume().
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpProxy {
  port: number;
  /** `url` with its host and port pointed at the proxy. */
  urlFor: (url: string) => string;
  /** Cuts every connection and refuses new ones. */
  stop: () => Promise<void>;
  /** Accepts connections again, on the same port. */
  resume: () => Promise<void>;
  /**
   * Stops forwarding in both directions without closing anything, as a hung connection or a
   * stalled middlebox would: the sockets stay open and silent (new connections too).
   */
  stall: () => void;
  /** Forwards again on the connections stall() silenced, whatever they held arriving in order. */
  unstall: () => void;
  close: () => Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let stalled = false;
  const silence = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server = net.createServer((client) => {
    if (stalled) {
      // Accepted, never answered.
      sockets.add(client);
      client.pause();
      client.on("error", () => undefined);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      pairs.delete(pair);
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    urlFor: (url) => {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    stop,
    resume: () => listen(port),
    stall: () => {
      stalled = true;
      for (const pair of pairs) silence(pair);
    },
    unstall: () => {
      stalled = false;
      for (const [client, upstream] of pairs) {
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.resume();
      }
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
