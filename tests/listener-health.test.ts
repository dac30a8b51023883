// A revoked key kept verifying for 34 s on another instance while that instance's LISTEN
// connection hung (issue 12): nothing failed, notifications simply stopped. Instance B here
// (tests/support/verify-instance.ts, a process of its own) listens through a TCP proxy that this
// test stalls; B's own lookups go to the database directly. With the listener's ping, B stops
// trusting its cache within a few seconds and re-reads keys, so the revocation shows.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";
import { expectCachedOn, startVerifyInstance, type VerifyInstance } from "./support/second-instance";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

let actor: ReturnType<typeof userActor>;
let projectId: string;
let instanceB: VerifyInstance;
let proxy: TcpProxy;

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  projectId = seeded.project.id;
  const url = new URL(process.env.DATABASE_URL as string);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  instanceB = await startVerifyInstance({ env: { KEYDESK_TEST_LISTENER_URL: proxy.urlFor(url.toString()) } });
});

afterAll(async () => {
  await instanceB?.stop("SIGKILL");
  await proxy?.close();
});

async function codeOnB(secret: string): Promise<string> {
  return ((await (await instanceB.verify(secret)).json()) as { code: string }).code;
}

it("a key revoked while B's LISTEN connection hangs stops verifying on B within seconds, not the cache lifetime", async () => {
  const key = await createApiKey(actor, { projectId, name: "Hung listener", expiry: "30d", constraints: [] }, context);
  // Cached on B, served from memory while its listener is healthy.
  await expectCachedOn(instanceB, key.secret);

  proxy.stall();
  await revokeApiKey(actor, { keyId: key.publicId }, context);
  const revoked = performance.now();
  // The cache lifetime is 60 s; the ping (every 2 s, 1 s timeout) plus 1 s of freshness bound it to ~4 s.
  let code = await codeOnB(key.secret);
  while (code !== "REVOKED" && performance.now() - revoked < 8_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    code = await codeOnB(key.secret);
  }
  expect(code).toBe("REVOKED");
  expect(performance.now() - revoked).toBeLessThan(6_000);
  // The connection itself is given up once the ping passes its query timeout (5 s).
  await expect.poll(async () => (await instanceB.stats()).listening, { timeout: 10_000 }).toBe(false);
});

it("a LISTEN connection that is only slow keeps B's cache: a late ping stops vouching, its answer vouches again", async () => {
  // A fresh B (the test above left its proxy stalled), listening through a proxy of its own.
  const url = new URL(process.env.DATABASE_URL as string);
  const slowProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  const slowB = await startVerifyInstance({ env: { KEYDESK_TEST_LISTENER_URL: slowProxy.urlFor(url.toString()) } });
  try {
    const key = await createApiKey(actor, { projectId, name: "Slow listener", expiry: "30d", constraints: [] }, context);
    // B learns of a key created here through its listener, which runs through one more hop here.
    await expect.poll(async () => ((await (await slowB.verify(key.secret)).json()) as { code: string }).code, { timeout: 5_000 }).toBe("VALID");
    await expectCachedOn(slowB, key.secret);
    const before = await slowB.stats();
    // Longer than the ping's 1 s timeout and the next ping's start, shorter than its 5 s deadline.
    slowProxy.stall();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await revokeApiKey(actor, { keyId: key.publicId }, context);
    const revoked = performance.now();
    // Meanwhile nothing old is served: the revocation shows although its notification is held up.
    await expect.poll(async () => ((await (await slowB.verify(key.secret)).json()) as { code: string }).code, { timeout: 3_000 }).toBe("REVOKED");
    slowProxy.unstall();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const after = await slowB.stats();
    expect(after.listening).toBe(true);
    // Not reconnected, so the cache was never emptied.
    expect(after.clears).toBe(before.clears);
    expect(performance.now() - revoked).toBeLessThan(10_000);
  } finally {
    await slowB.stop("SIGKILL");
    await slowProxy.close();
  }
});
