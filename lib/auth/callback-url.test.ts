import { describe, expect, it } from "vitest";
import { safeCallbackPath, safeRedirectUrl } from "@/lib/auth/callback-url";

const ORIGIN = "https://keys.example.com";

describe("safeCallbackPath", () => {
  it.each([
    ["/", "/"],
    ["/settings/api-keys", "/settings/api-keys"],
    ["/settings/api-keys?q=stripe&page=2", "/settings/api-keys?q=stripe&page=2"],
    ["/admin/audit#top", "/admin/audit#top"],
    ["/foo?next=//evil.example", "/foo?next=//evil.example"],
    ["/a/./b/../c", "/a/c"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/caf\u00e9", "/caf%C3%A9"],
  ])("keeps the same-site path %j → %j", (raw, expected) => {
    expect(safeCallbackPath(raw)).toBe(expected);
    expect(safeCallbackPath(raw, ORIGIN)).toBe(expected);
  });

  // Every one of these leaves the site in some browser or parser, or is not a path at all.
  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/.//evil.example",
    "/a/../..//evil.example",
    "/..//evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "./x",
    "",
    "/\u0000x",
    "/\u007fx",
    `/${"a".repeat(3000)}`,
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
    expect(safeCallbackPath(raw, ORIGIN)).toBe("/");
  });

  it.each([undefined, null, 42, ["/x"], { toString: () => "/x" }])("refuses the non-string %j", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
  });

  it("accepts absolute URLs only on the given origin", () => {
    expect(safeCallbackPath(`${ORIGIN}/profile?tab=1`, ORIGIN)).toBe("/profile?tab=1");
    expect(safeCallbackPath(`${ORIGIN}/profile`)).toBe("/");
    expect(safeCallbackPath("https://keys.example.com.evil.example/profile", ORIGIN)).toBe("/");
    expect(safeCallbackPath("https://keys.example.com@evil.example/", ORIGIN)).toBe("/");
    expect(safeCallbackPath("http://keys.example.com/profile", ORIGIN)).toBe("/");
    expect(safeCallbackPath("https://keys.example.com:8443/profile", ORIGIN)).toBe("/");
    // Same scheme, no slashes: browsers read it as a path on this site, and so do we.
    expect(safeCallbackPath("https:/evil.example", ORIGIN)).toBe("/evil.example");
    expect(safeCallbackPath("https:/evil.example")).toBe("/");
  });

  it("builds next-auth's absolute redirect on the site only", () => {
    expect(safeRedirectUrl("/settings/api-keys", ORIGIN)).toBe(`${ORIGIN}/settings/api-keys`);
    expect(safeRedirectUrl("/\t/evil.example", ORIGIN)).toBe(`${ORIGIN}/`);
    expect(safeRedirectUrl("https://evil.example/", ORIGIN)).toBe(`${ORIGIN}/`);
  });
});
