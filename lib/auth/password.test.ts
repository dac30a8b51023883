import { describe, expect, it } from "vitest";
import { randomBytes, scryptSync } from "node:crypto";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";

// The real parameters, not the lowered ones the database tests use.
delete process.env.KEYDESK_TEST_SCRYPT_N;

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
    // OWASP's minimum for scrypt.
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it("rejects malformed or tampered hashes instead of throwing", async () => {
    const hash = await hashPassword("another-password");
    expect(await verifyPassword("another-password", "plain-text")).toBe(false);
    expect(await verifyPassword("another-password", hash.replace("scrypt$131072", "scrypt$1073741824"))).toBe(false);
    expect(await verifyPassword("another-password", hash.slice(0, -4))).toBe(false);
  });

  it("treats Unicode-equivalent passwords alike (NFKC)", async () => {
    const hash = await hashPassword("ﬁrst-password-1");
    expect(await verifyPassword("first-password-1", hash)).toBe(true);
  });
});

describe("older hashes", () => {
  // What Keydesk stored before the parameters were raised to OWASP's minimum.
  function legacyHash(password: string): string {
    const salt = randomBytes(16);
    const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    return ["scrypt", 2 ** 15, 8, 1, salt.toString("base64"), key.toString("base64")].join("$");
  }

  it("still verify, and are flagged for rehashing", async () => {
    const old = legacyHash("an-old-password-1");
    expect(await verifyPassword("an-old-password-1", old)).toBe(true);
    expect(await verifyPassword("an-old-password-2", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("a-new-password-1"))).toBe(false);
  });
});
