// A key's status as people see it. Expiry is judged against the clock now, never stored.
export type KeyStatus = "active" | "expired" | "revoked";

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  return "active";
}
