import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
  });

  it("never stores the password and salts every hash", async () => {
    const a = await hashPassword("s3cret-passphrase");
    const b = await hashPassword("s3cret-passphrase");
    expect(a).not.toContain("s3cret");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it("rejects malformed or tampered hashes instead of throwing", async () => {
    const hash = await hashPassword("another-password");
    expect(await verifyPassword("another-password", "plain-text")).toBe(false);
    expect(await verifyPassword("another-password", hash.replace("scrypt$32768", "scrypt$1073741824"))).toBe(false);
    expect(await verifyPassword("another-password", hash.slice(0, -4))).toBe(false);
  });

  it("treats Unicode-equivalent passwords alike (NFKC)", async () => {
    const hash = await hashPassword("ﬁrst-password-1");
    expect(await verifyPassword("first-password-1", hash)).toBe(true);
  });
});
