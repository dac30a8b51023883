import { describe, expect, it } from "vitest";
import { isSetupHostAllowed } from "@/lib/auth/setup-host";

describe("isSetupHostAllowed", () => {
  it.each(["localhost:3000", "LOCALHOST", "127.0.0.1:3000", "[::1]:3000", "192.168.1.20:3000", "[2001:db8::1]"])(
    "allows the loopback name and IP literals without NEXTAUTH_URL: %s",
    (host) => {
      expect(isSetupHostAllowed(host, undefined)).toBe(true);
    },
  );

  it.each([
    "evil.example",
    "evil.example:3000",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "evil.example@127.0.0.1",
    "127.0.0.1/evil",
    "",
    null,
    undefined,
  ])("refuses %j (what a DNS-rebinding page sends, or junk)", (host) => {
    expect(isSetupHostAllowed(host, undefined)).toBe(false);
    expect(isSetupHostAllowed(host, "https://keys.example.com")).toBe(false);
  });

  it("allows the host of NEXTAUTH_URL", () => {
    expect(isSetupHostAllowed("keys.example.com", "https://keys.example.com")).toBe(true);
    expect(isSetupHostAllowed("Keys.Example.com:443", "https://keys.example.com")).toBe(true);
    expect(isSetupHostAllowed("other.example.com", "https://keys.example.com")).toBe(false);
  });
});
