-- Sessions are stateless JWTs; this is the cut-off that ends them. A session whose sign-in
-- happened before "sessionsValidFrom" is refused by every guard (lib/queries/users.ts), so a
-- password change or an administrator's reset signs the account out everywhere else.
ALTER TABLE "User" ADD COLUMN "sessionsValidFrom" TIMESTAMPTZ(3);
