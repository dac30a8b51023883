// A key's status as people see it. Expiry is judged against the clock now, never stored. The
// order is verification's precedence: REVOKED > EXPIRED > DISABLED.
export type KeyStatus = "active" | "disabled" | "expired" | "revoked";

export function keyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null; enabled: boolean },
  now = new Date(),
): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  if (!key.enabled) return "disabled";
  return "active";
}
