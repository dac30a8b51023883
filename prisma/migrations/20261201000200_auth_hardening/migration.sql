-- Security second pass (issue 12), the authentication half.

-- Server-side sessions. The session cookie is still a JWT, but it names one of these rows and
-- every guard checks the row: signing out revokes it, so a copied cookie stops working at once.
-- "expiresAt" is the absolute end (sign-in + 12 h); nothing extends it.
CREATE TABLE "UserSession" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Last time the person proved their password in this session (sign-in or a confirmation):
    -- sensitive actions ask again when it is older than a few minutes.
    "reauthenticatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "ip" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "UserSession_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "UserSession_userId_idx" ON "UserSession"("userId");
CREATE INDEX "UserSession_expiresAt_idx" ON "UserSession"("expiresAt");
ALTER TABLE "UserSession" ADD CONSTRAINT "UserSession_userId_fkey"
    FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Temporary passwords (set by an administrator) expire and must be replaced at first sign-in.
ALTER TABLE "User" ADD COLUMN "mustChangePassword" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "User" ADD COLUMN "passwordExpiresAt" TIMESTAMPTZ(3);

-- Refused (throttled) sign-in attempts, counted per email, client and minute instead of one
-- audit event each: the first of a minute is audited at once, the rest as one summary event.
CREATE TABLE "SignInRefusal" (
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "SignInRefusal_pkey" PRIMARY KEY ("email", "ip", "minute")
);
CREATE INDEX "SignInRefusal_minute_idx" ON "SignInRefusal"("minute");

-- First-run setup needs the one-time token the server prints at start; only its SHA-256 is kept,
-- and completing setup deletes it in the same transaction that creates the administrator.
CREATE TABLE "SetupToken" (
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SetupToken_pkey" PRIMARY KEY ("tokenHash")
);
