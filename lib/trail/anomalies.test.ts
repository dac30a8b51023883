import { describe, expect, it } from "vitest";
import { deniedShareAnomaly, keyAnomalies, newIpAnomaly, staleAnomaly, type KeyAnomalyInput } from "@/lib/trail/anomalies";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 2026-12-02 14:15:00 UTC: a quarter into the hour.
const NOW = Date.UTC(2026, 11, 2, 14, 15);
const HOUR_START = Date.UTC(2026, 11, 2, 14);

function input(overrides: Partial<KeyAnomalyInput> = {}): KeyAnomalyInput {
  return { createdAt: NOW - 10 * DAY, lastUsedAt: NOW - HOUR, revokedAt: null, expiresAt: null, newIps: [], firstSeenAt: null, hours: [], ...overrides };
}

describe("new IP", () => {
  it("flags an address new within the last 24 hours on a key used before", () => {
    const anomaly = newIpAnomaly(input({ firstSeenAt: NOW - 5 * DAY, newIps: [{ ip: "203.0.113.9", newAt: NOW - 2 * HOUR }] }), NOW);
    expect(anomaly).toEqual({ kind: "new_ip", at: NOW - 2 * HOUR, ip: "203.0.113.9" });
  });

  it("names the newest of several, and keeps the address hidden when the reader may not see it", () => {
    const anomaly = newIpAnomaly(
      input({ firstSeenAt: NOW - 5 * DAY, newIps: [{ ip: null, newAt: NOW - 3 * HOUR }, { ip: null, newAt: NOW - HOUR }] }),
      NOW,
    );
    expect(anomaly).toEqual({ kind: "new_ip", at: NOW - HOUR, ip: null });
  });

  it("does not flag the key's first address, nor one that became new more than 24 hours ago", () => {
    expect(newIpAnomaly(input({ firstSeenAt: NOW - HOUR, newIps: [{ ip: "a", newAt: NOW - HOUR }] }), NOW)).toBeNull();
    expect(newIpAnomaly(input({ firstSeenAt: NOW - 5 * DAY, newIps: [{ ip: "a", newAt: NOW - DAY - 1 }] }), NOW)).toBeNull();
    expect(newIpAnomaly(input({ firstSeenAt: NOW - 5 * DAY, newIps: [{ ip: "a", newAt: NOW - DAY }] }), NOW)).not.toBeNull();
  });
});

describe("denied share", () => {
  it("flags more than 10% denied in the current hour", () => {
    const anomaly = deniedShareAnomaly(input({ hours: [{ hour: HOUR_START, valid: 8, denied: 2 }] }), NOW);
    expect(anomaly).toEqual({ kind: "denied_share", share: 0.2, denied: 2, total: 10 });
  });

  it("does not flag exactly 10%, nor hours older than the previous one", () => {
    expect(deniedShareAnomaly(input({ hours: [{ hour: HOUR_START, valid: 9, denied: 1 }] }), NOW)).toBeNull();
    expect(deniedShareAnomaly(input({ hours: [{ hour: HOUR_START - 2 * HOUR, valid: 0, denied: 50 }] }), NOW)).toBeNull();
  });

  it("weighs the previous hour by how much of it lies within the last 60 minutes", () => {
    // 45 of the previous hour's 60 minutes are within the window: 40 denied count as 30.
    const anomaly = deniedShareAnomaly(input({ hours: [{ hour: HOUR_START - HOUR, valid: 0, denied: 40 }, { hour: HOUR_START, valid: 100, denied: 0 }] }), NOW);
    expect(anomaly).toEqual({ kind: "denied_share", share: 30 / 130, denied: 30, total: 130 });
    // At the top of the hour the previous hour is the whole window; a minute before the next,
    // almost none of it is.
    expect(deniedShareAnomaly(input({ hours: [{ hour: HOUR_START - HOUR, valid: 0, denied: 5 }] }), HOUR_START)).not.toBeNull();
    expect(deniedShareAnomaly(input({ hours: [{ hour: HOUR_START - HOUR, valid: 0, denied: 5 }, { hour: HOUR_START, valid: 100, denied: 0 }] }), HOUR_START + HOUR - 60_000)).toBeNull();
  });
});

describe("no use for 90 days", () => {
  it("flags an active key older than 90 days, never used or last used more than 90 days ago", () => {
    expect(staleAnomaly(input({ createdAt: NOW - 100 * DAY, lastUsedAt: null }), NOW)).toEqual({ kind: "stale", lastUsedAt: null });
    expect(staleAnomaly(input({ createdAt: NOW - 200 * DAY, lastUsedAt: NOW - 91 * DAY }), NOW)).toEqual({ kind: "stale", lastUsedAt: NOW - 91 * DAY });
  });

  it("leaves young, recently used, revoked and expired keys alone", () => {
    expect(staleAnomaly(input({ createdAt: NOW - 89 * DAY, lastUsedAt: null }), NOW)).toBeNull();
    expect(staleAnomaly(input({ createdAt: NOW - 200 * DAY, lastUsedAt: NOW - 89 * DAY }), NOW)).toBeNull();
    expect(staleAnomaly(input({ createdAt: NOW - 200 * DAY, lastUsedAt: null, revokedAt: NOW - DAY }), NOW)).toBeNull();
    expect(staleAnomaly(input({ createdAt: NOW - 200 * DAY, lastUsedAt: null, expiresAt: NOW - DAY }), NOW)).toBeNull();
  });
});

it("reports every rule that applies, in a fixed order", () => {
  const all = keyAnomalies(
    input({
      createdAt: NOW - 200 * DAY,
      lastUsedAt: null,
      firstSeenAt: NOW - 100 * DAY,
      newIps: [{ ip: "198.51.100.4", newAt: NOW - HOUR }],
      hours: [{ hour: HOUR_START, valid: 0, denied: 3 }],
    }),
    NOW,
  );
  expect(all.map((a) => a.kind)).toEqual(["new_ip", "denied_share", "stale"]);
});
