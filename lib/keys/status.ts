// A key's status as people see it. Expiry is judged against the clock now, never stored. The
// order is verification's precedence: REVOKED > EXPIRED > DISABLED.
// The one list of statuses: the keys list's filter, the REST schemas and the badges use it too.
export const KEY_STATUSES = ["active", "disabled", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export function keyStatus(
  key: { revokedAt: Date | null; expiresAt: Date | null; enabled: boolean },
  now = new Date(),
): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt <= now) return "expired";
  if (!key.enabled) return "disabled";
  return "active";
}
