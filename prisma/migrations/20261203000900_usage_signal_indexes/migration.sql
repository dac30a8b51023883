-- lib/notifications/jobs/usage-signals.ts looks every few seconds for keys refused RATE_LIMITED or
-- USAGE_EXCEEDED in the last minutes and for addresses that became new for a key. Without these
-- indexes each look would scan every key's hourly counts and client addresses. Migration-only (the
-- first is partial, which Prisma cannot declare; the drift check ignores indexes the schema lacks).
CREATE INDEX "KeyRequestHourly_limited_hour_idx" ON "KeyRequestHourly" ("hour") WHERE "outcome" IN ('RATE_LIMITED', 'USAGE_EXCEEDED');
CREATE INDEX "KeyClientIp_newAt_idx" ON "KeyClientIp" ("newAt");
