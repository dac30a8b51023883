// Three Keydesk verify processes on one database, driven in parallel (tests/support/verify-instance.ts:
// the real verify handler, key cache, listener and limiter, each in its own process): together they
// admit exactly a window's limit and exactly a quota; with one of them killed (-9) mid-run, never
// more; and a process started afterwards finds the window and the credits where they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/services/api-keys";
import { updateKeyLimits } from "@/lib/services/key-limits";
import { context, seedBase, userActor } from "./support/fixtures";
import { startVerifyInstance, type VerifyInstance } from "./support/second-instance";

const instances: VerifyInstance[] = [];
let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

async function startInstance(): Promise<VerifyInstance> {
  // Three starting at once on a small machine take their time.
  const instance = await startVerifyInstance({ startTimeoutMs: 150_000 });
  instances.push(instance);
  return instance;
}

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  projectId = seeded.project.id;
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
});

async function limitedKey(limits: Record<string, unknown>) {
  counter += 1;
  const key = await createApiKey(actor, { projectId, name: `Cluster ${counter}`, expiry: "30d", constraints: [] }, context);
  await updateKeyLimits(actor, { keyId: key.publicId, ...limits }, context);
  return key;
}

async function verifyOn(instance: VerifyInstance, secret: string): Promise<string> {
  const response = await instance.verify(secret);
  return ((await response.json()) as { code: string }).code;
}

/**
 * Drives every instance with `workers` parallel loops until each loop has seen `denied` denials in
 * a row (then nothing is held anywhere: a process holding budget admits). `onValid` sees the
 * running total, e.g. to kill a process mid-run.
 */
async function drive(targets: () => VerifyInstance[], secret: string, options: { workers?: number; onValid?: (total: number) => void } = {}) {
  let valid = 0;
  const codes = new Map<string, number>();
  const loop = async (pick: number) => {
    let deniedInARow = 0;
    while (deniedInARow < 15) {
      const live = targets();
      const instance = live[pick % live.length];
      if (!instance) return;
      let code: string;
      try {
        code = await verifyOn(instance, secret);
      } catch {
        continue; // the instance was killed under this request
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === "VALID") {
        valid += 1;
        deniedInARow = 0;
        options.onValid?.(valid);
      } else {
        deniedInARow += 1;
        if (code !== "RATE_LIMITED" && code !== "USAGE_EXCEEDED") throw new Error(`unexpected ${code}`);
      }
    }
  };
  const workers = options.workers ?? 8;
  await Promise.all(Array.from({ length: workers * 3 }, (_, i) => loop(i)));
  return { valid, codes };
}

describe("three processes on one database", () => {
  it("admit exactly a window's limit and exactly a quota together, also after a restart", async () => {
    const trio = await Promise.all([startInstance(), startInstance(), startInstance()]);
    const windowKey = await limitedKey({ ratelimits: [{ limit: 300, duration: 3_600_000 }] });
    const byWindow = await drive(() => trio, windowKey.secret);
    expect(byWindow.valid).toBe(300);

    const quotaKey = await limitedKey({ credits: { remaining: 400 } });
    const byQuota = await drive(() => trio, quotaKey.secret);
    expect(byQuota.valid).toBe(400);

    // A process started now (as after a restart) finds both used up.
    const late = await startInstance();
    expect(await verifyOn(late, windowKey.secret)).toBe("RATE_LIMITED");
    expect(await verifyOn(late, quotaKey.secret)).toBe("USAGE_EXCEEDED");
    await late.stop();
  }, 400_000);

  it("with one process killed (-9) mid-run, never more", async () => {
    const trio = await Promise.all([startInstance(), startInstance(), startInstance()]);
    const live = [...trio];
    const key = await limitedKey({ ratelimits: [{ limit: 500, duration: 3_600_000 }], credits: { remaining: 450 } });
    let killed = false;
    const result = await drive(() => live, key.secret, {
      onValid: (total) => {
        if (killed || total < 150) return;
        killed = true;
        const victim = live.splice(1, 1)[0];
        victim?.child.kill("SIGKILL");
      },
    });
    expect(killed).toBe(true);
    // The credits bind (450 < 500); what the killed process held is lost, never spent twice.
    expect(result.valid).toBeLessThanOrEqual(450);
    expect(result.valid).toBeGreaterThan(300);
  }, 400_000);
});
