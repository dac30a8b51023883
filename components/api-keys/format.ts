import { DAY_MS, type DateInput } from "@/lib/dates";

/** Active keys that expire within this window get a warning badge. */
export const EXPIRING_SOON_MS = 7 * DAY_MS;

/** Active and expiring within EXPIRING_SOON_MS of `now`. */
export function isExpiringSoon(
  key: { status: string; expiresAt: string | null },
  now: DateInput,
): boolean {
  if (key.status !== "active" || key.expiresAt === null) return false;
  const left = new Date(key.expiresAt).getTime() - new Date(now).getTime();
  return left > 0 && left <= EXPIRING_SOON_MS;
}
