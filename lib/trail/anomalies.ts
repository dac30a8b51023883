// Anomaly rules for a key, as pure functions of what the trail knows and an injected clock, so
// each rule is tested at its edges. lib/queries/key-anomalies.ts gathers the inputs.
//
// - new_ip: the key was used from an address it had not used in the previous 30 days (the
//   writer keeps each address's "newAt"), within the last 24 hours, and the key had been used
//   before (its very first address is not news).
// - denied_share: more than 10% of the key's verifications in the last hour were denied
//   (anything but VALID). The last hour is estimated from the hourly counts as the current hour
//   plus the previous one weighted by how much of it still lies within the last 60 minutes.
// - stale: an active key (not revoked, not expired) older than 90 days with no successful use in
//   the last 90 days — a key the reference documents say to delete.

export const NEW_IP_WINDOW_MS = 24 * 3_600_000;
const DENIED_SHARE_THRESHOLD = 0.1;
const STALE_AFTER_MS = 90 * 86_400_000;
const HOUR_MS = 3_600_000;

export type KeyAnomaly =
  | { kind: "new_ip"; at: number; /** Null when the reader may not see addresses. */ ip: string | null }
  | { kind: "denied_share"; share: number; denied: number; total: number }
  | { kind: "stale"; lastUsedAt: number | null };

export interface KeyAnomalyInput {
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  expiresAt: number | null;
  /** The key's addresses whose newAt is recent (at least those within NEW_IP_WINDOW_MS). */
  newIps: { ip: string | null; newAt: number }[];
  /** The key's first use from any address still on record, or null. */
  firstSeenAt: number | null;
  /** Hourly counts, at least of the current and the previous UTC hour. */
  hours: { hour: number; valid: number; denied: number }[];
}

export function newIpAnomaly(input: KeyAnomalyInput, now: number): KeyAnomaly | null {
  let newest: { ip: string | null; newAt: number } | null = null;
  for (const entry of input.newIps) {
    if (entry.newAt < now - NEW_IP_WINDOW_MS || entry.newAt > now) continue;
    if (input.firstSeenAt === null || entry.newAt <= input.firstSeenAt) continue;
    if (!newest || entry.newAt > newest.newAt) newest = entry;
  }
  return newest ? { kind: "new_ip", at: newest.newAt, ip: newest.ip } : null;
}

export function deniedShareAnomaly(input: KeyAnomalyInput, now: number): KeyAnomaly | null {
  const currentHour = now - (now % HOUR_MS);
  const previousWeight = 1 - (now - currentHour) / HOUR_MS;
  let total = 0;
  let denied = 0;
  for (const bucket of input.hours) {
    const weight = bucket.hour === currentHour ? 1 : bucket.hour === currentHour - HOUR_MS ? previousWeight : 0;
    total += (bucket.valid + bucket.denied) * weight;
    denied += bucket.denied * weight;
  }
  if (total <= 0 || denied / total <= DENIED_SHARE_THRESHOLD) return null;
  return { kind: "denied_share", share: denied / total, denied: Math.round(denied), total: Math.round(total) };
}

export function staleAnomaly(input: KeyAnomalyInput, now: number): KeyAnomaly | null {
  if (input.revokedAt !== null) return null;
  if (input.expiresAt !== null && input.expiresAt <= now) return null;
  if (input.createdAt > now - STALE_AFTER_MS) return null;
  if (input.lastUsedAt !== null && input.lastUsedAt > now - STALE_AFTER_MS) return null;
  return { kind: "stale", lastUsedAt: input.lastUsedAt };
}

/** Every anomaly of a key at `now` (epoch ms), in a fixed order. */
export function keyAnomalies(input: KeyAnomalyInput, now: number): KeyAnomaly[] {
  return [newIpAnomaly(input, now), deniedShareAnomaly(input, now), staleAnomaly(input, now)].filter(
    (anomaly): anomaly is KeyAnomaly => anomaly !== null,
  );
}
