-- Idempotency keys of the REST API (issue 16). A POST or DELETE sent with `Idempotency-Key`
-- claims a row per (management key, Idempotency-Key); the first answer is stored here, its body
-- encrypted (AES-256-GCM under a key kept outside the database, lib/api/idempotency-secret.ts),
-- and replayed to retries of the same request for 24 hours.
--
-- lockToken/lockedUntil: the request executing now holds the row; a crashed holder's lease runs
-- out and a retry may take over. "executed" is set inside the transaction of the write itself,
-- so a takeover never repeats a write that committed, and a holder that lost its lease cannot
-- commit one.
CREATE TABLE "IdempotencyKey" (
    "id"              UUID         NOT NULL DEFAULT gen_random_uuid(),
    "managementKeyId" UUID         NOT NULL,
    "key"             TEXT         NOT NULL,
    "fingerprint"     TEXT         NOT NULL,
    "lockToken"       UUID,
    "lockedUntil"     TIMESTAMPTZ(3),
    "executed"        BOOLEAN      NOT NULL DEFAULT false,
    "responseStatus"  INTEGER,
    "responseBody"    BYTEA,
    "createdAt"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt"       TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "IdempotencyKey_key_length" CHECK (char_length("key") BETWEEN 1 AND 255),
    CONSTRAINT "IdempotencyKey_response" CHECK (("responseStatus" IS NULL) = ("responseBody" IS NULL))
);

CREATE UNIQUE INDEX "IdempotencyKey_managementKeyId_key_key" ON "IdempotencyKey"("managementKeyId", "key");
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt");

ALTER TABLE "IdempotencyKey" ADD CONSTRAINT "IdempotencyKey_managementKeyId_fkey"
    FOREIGN KEY ("managementKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rate limits of management keys: one counter per key and fixed window, counted in the database
-- so that every Keydesk process behind a load balancer spends the same budget.
CREATE TABLE "ApiRateWindow" (
    "keyId"       UUID           NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count"       INTEGER        NOT NULL DEFAULT 0,

    CONSTRAINT "ApiRateWindow_pkey" PRIMARY KEY ("keyId", "windowStart")
);

CREATE INDEX "ApiRateWindow_windowStart_idx" ON "ApiRateWindow"("windowStart");

ALTER TABLE "ApiRateWindow" ADD CONSTRAINT "ApiRateWindow_keyId_fkey"
    FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;
