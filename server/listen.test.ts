// Binding the HTTP port: a taken port is found before start-up and explained in words.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { describeListenError, listen, parsePort, probePort } from "@/server/listen";

describe("the HTTP port", () => {
  it("probePort rejects a taken port with the bind error, and frees a free one", async () => {
    const holder = net.createServer();
    await listen(holder, 0, "0.0.0.0");
    const { port } = holder.address() as AddressInfo;
    try {
      const error = await probePort(port, "0.0.0.0").catch((e: unknown) => e);
      expect((error as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
      expect(describeListenError(error, port, "0.0.0.0")).toBe(
        `port ${port} is already in use (on 0.0.0.0): another Keydesk or another program listens there. ` +
          `Stop it, or start Keydesk on a free port, e.g. PORT=${port + 1} npm start.`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    // Free now: the probe binds and releases it, so it can be bound again right after.
    await probePort(port, "0.0.0.0");
    const again = net.createServer();
    await listen(again, port, "0.0.0.0");
    await new Promise((resolve) => again.close(resolve));
  });

  it("explains the other bind failures an operator meets", async () => {
    const error = await probePort(0, "203.0.113.7").catch((e: unknown) => e);
    expect(describeListenError(error, 3000, "203.0.113.7")).toMatch(/203\.0\.113\.7 is not an address of this machine/);
    expect(describeListenError(Object.assign(new Error("x"), { code: "EACCES" }), 80, "0.0.0.0")).toMatch(/ports below 1024/);
  });

  it("reads PORT strictly", () => {
    expect(parsePort(undefined, 3000)).toBe(3000);
    expect(parsePort(" ", 3000)).toBe(3000);
    expect(parsePort("3140", 3000)).toBe(3140);
    for (const bad of ["abc", "3000x", "-1", "65536", "30.5"]) expect(() => parsePort(bad, 3000)).toThrow(/PORT must be a TCP port/);
  });
});
