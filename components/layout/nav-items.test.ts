// The navigation shows each person exactly the pages they may open: the entries per role, and
// every dashboard page's guard against the entry that links to it, so a page whose guard changes
// (or a new page) cannot drift away from the navigation unnoticed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NAV_GROUPS, navGroupsFor } from "@/components/layout/nav-items";
import { can, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/generated/prisma/enums";

const signedIn = (role: Role) => ({ role, active: true, mustChangePassword: false });
const hrefsFor = (role: Role) => navGroupsFor(signedIn(role)).flatMap((group) => group.items.map((item) => item.href));

const dashboard = path.resolve(import.meta.dirname, "../../app/(dashboard)");
/** Reached from the user menu, not the navigation. */
const OUTSIDE_NAV = new Set(["/profile"]);

/** Every dashboard page without a dynamic segment, with what its guard asks for (null: requireUser). */
function guardedPages(): Map<string, Permission | null> {
  const pages = new Map<string, Permission | null>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("[")) walk(full);
      } else if (entry.name === "page.tsx") {
        const href = `/${path.relative(dashboard, dir).split(path.sep).filter((part) => part && !part.startsWith("(")).join("/")}`;
        const source = fs.readFileSync(full, "utf8");
        const permission = /requirePermission\("([a-z.]+)"\)/.exec(source)?.[1] ?? null;
        if (!permission && !source.includes("requireUser()")) throw new Error(`${href}: no guard found`);
        pages.set(href, permission as Permission | null);
      }
    }
  };
  walk(dashboard);
  return pages;
}

describe("navigation", () => {
  it("shows administrators every page", () => {
    expect(hrefsFor("admin")).toEqual([
      "/",
      "/requests",
      "/settings/api-keys",
      "/settings/api",
      "/admin/users",
      "/admin/projects",
      "/admin/webhooks",
      "/admin/audit",
    ]);
  });

  it.each(["manager", "viewer"] as const)("shows a %s the pages they may read, the API page included, and no Admin group", (role) => {
    expect(hrefsFor(role)).toEqual(["/", "/requests", "/settings/api-keys", "/settings/api"]);
    expect(navGroupsFor(signedIn(role)).map((group) => group.title)).toEqual([null, "Settings"]);
  });

  it("links every dashboard page, each entry asking for what the page's guard asks for", () => {
    const pages = guardedPages();
    for (const href of OUTSIDE_NAV) pages.delete(href);
    const entries = new Map(NAV_GROUPS.flatMap((group) => group.items.map((item) => [item.href, item.permission] as const)));
    expect(Object.fromEntries(entries)).toEqual(Object.fromEntries(pages));
  });

  it.each(["admin", "manager", "viewer"] as const)("gives a %s an entry for exactly the pages their guard lets them open", (role) => {
    const opens = [...guardedPages()]
      .filter(([href, permission]) => !OUTSIDE_NAV.has(href) && (permission === null || can(signedIn(role), permission)))
      .map(([href]) => href)
      .sort();
    expect([...hrefsFor(role)].sort()).toEqual(opens);
  });
});
