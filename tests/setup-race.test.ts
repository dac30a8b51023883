// Two (or five) people submitting the setup page at once must end with one administrator.
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { createFirstAdmin } from "@/lib/services/setup";

it("creates exactly one administrator under concurrent submissions", async () => {
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      createFirstAdmin({ email: `admin${i}@example.com`, name: `Admin ${i}`, password: "a-long-password-1" }, null, "setup-page"),
    ),
  );
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  expect(results.filter((r) => !r.ok)).toHaveLength(4);
  expect(await db.user.count()).toBe(1);
  expect(await db.project.count()).toBe(2);
  expect(await db.auditEvent.count({ where: { action: "setup.completed" } })).toBe(1);
});
