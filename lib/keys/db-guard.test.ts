import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, createDbGuard } from "@/lib/keys/db-guard";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => undefined);

describe("database guard", () => {
  it("gives up on a query that does not answer within the deadline", async () => {
    const guard = createDbGuard({ timeoutMs: 50, openMs: 10_000 });
    const started = performance.now();
    await expect(guard.run(never)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(guard.stats()).toMatchObject({ timeouts: 1, failures: 1, open: true });
  });

  it("refuses at once while open, then lets one probe through and closes when it succeeds", async () => {
    const guard = createDbGuard({ timeoutMs: 30, openMs: 100 });
    await expect(guard.run(never)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    let asked = 0;
    const ok = () => {
      asked += 1;
      return Promise.resolve("row");
    };
    await expect(guard.run(ok)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(asked).toBe(0);
    await sleep(130);
    const slowProbe = guard.run(() => sleep(10).then(ok));
    // While the probe runs, everyone else still waits for its verdict.
    await expect(guard.run(ok)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(slowProbe).resolves.toBe("row");
    await expect(guard.run(ok)).resolves.toBe("row");
    expect(asked).toBe(2);
    expect(guard.stats()).toMatchObject({ timeouts: 1, failures: 1, shortCircuited: 2, open: false });
  });

  it("stays closed after a fast failure: a refused connection is retried at once", async () => {
    const guard = createDbGuard({ timeoutMs: 1_000, openMs: 10_000 });
    await expect(guard.run(() => Promise.reject(new Error("connection refused")))).rejects.toThrow("connection refused");
    await expect(guard.run(() => Promise.resolve("row"))).resolves.toBe("row");
    expect(guard.stats()).toMatchObject({ failures: 1, shortCircuited: 0, open: false });
  });
});
