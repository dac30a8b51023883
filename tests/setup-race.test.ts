// Two (or five) people submitting the setup page at once must end with one administrator, and
// only with the setup token the server printed; the token works once.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { createFirstAdmin, issueSetupToken } from "@/lib/services/setup";

it("creates exactly one administrator under concurrent submissions with the token", async () => {
  const token = await issueSetupToken();
  expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      createFirstAdmin({ email: `admin${i}@example.com`, name: `Admin ${i}`, password: "a-long-password-1" }, null, { via: "setup-page", setupToken: token! }),
    ),
  );
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok)).toHaveLength(4);
  expect(await db.user.count()).toBe(1);
  expect(await db.project.count()).toBe(2);
  expect(await db.auditEvent.count({ where: { action: "setup.completed" } })).toBe(1);
  // Used up: no token is left, and a restart issues none now that an administrator exists.
  expect(await db.setupToken.count()).toBe(0);
  expect(await issueSetupToken()).toBeNull();
});
