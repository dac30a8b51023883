import { describe, expect, it } from "vitest";
import { PERMISSIONS, can } from "@/lib/auth/permissions";

const active = (role: "admin" | "manager" | "viewer") => ({ role, active: true });

describe("permission table", () => {
  it("lets administrators do everything", () => {
    for (const permission of PERMISSIONS) expect(can(active("admin"), permission)).toBe(true);
  });

  it.each(["manager", "viewer"] as const)("lets a %s look but never change", (role) => {
    expect(can(active(role), "keys.read")).toBe(true);
    expect(can(active(role), "projects.read")).toBe(true);
    for (const permission of ["keys.create", "keys.update", "keys.revoke", "keys.roll", "users.manage", "projects.manage", "audit.read", "webhooks.manage"] as const) {
      expect(can(active(role), permission)).toBe(false);
    }
  });

  it("lets every role read the request trail, and only viewers not its client addresses", () => {
    for (const role of ["admin", "manager", "viewer"] as const) expect(can(active(role), "requests.read")).toBe(true);
    expect(can(active("admin"), "requests.ips")).toBe(true);
    expect(can(active("manager"), "requests.ips")).toBe(true);
    expect(can(active("viewer"), "requests.ips")).toBe(false);
  });

  it("denies everything to deactivated or missing users", () => {
    expect(can({ role: "admin", active: false }, "keys.read")).toBe(false);
    expect(can(null, "keys.read")).toBe(false);
  });

  it("denies everything to a session still on a temporary password", () => {
    for (const permission of PERMISSIONS) expect(can({ role: "admin", active: true, mustChangePassword: true }, permission)).toBe(false);
  });
});
