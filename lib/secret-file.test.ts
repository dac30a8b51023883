// Secret files are private from their first byte and checked on every read, whatever the umask.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureAuthSecret } from "@/lib/auth/auth-secret";
import { ensureSecretFile, openPrivateFile, readSecretFile, SecretFileModeError, writeSecretFile } from "@/lib/secret-file";

let dir: string;
let umask: number;
const mode = (file: string) => fs.statSync(file).mode & 0o777;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-secret-file-"));
  umask = process.umask(0); // the most permissive umask: nothing may depend on it
});

afterAll(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  delete process.env.NEXTAUTH_SECRET;
});

describe("secret files", () => {
  it("are created 0600 even with umask 0, and replaced atomically with the same mode", () => {
    const file = path.join(dir, "written");
    writeSecretFile(file, "one");
    expect(mode(file)).toBe(0o600);
    fs.chmodSync(file, 0o644);
    writeSecretFile(file, "two");
    expect(mode(file)).toBe(0o600);
    expect(readSecretFile(file)).toBe("two");
    expect(fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("are refused on read when others can read or change them", () => {
    const file = path.join(dir, "exposed");
    fs.writeFileSync(file, "secret", { mode: 0o644 });
    expect(() => readSecretFile(file)).toThrow(SecretFileModeError);
    expect(() => readSecretFile(file)).toThrow(`Run \`chmod 600 ${file}\``);
    fs.chmodSync(file, 0o620);
    expect(() => readSecretFile(file)).toThrow(SecretFileModeError);
    fs.chmodSync(file, 0o600);
    expect(readSecretFile(file)).toBe("secret");
    expect(readSecretFile(path.join(dir, "missing"))).toBeNull();
  });

  it("are generated once: a second caller gets the first one's secret", () => {
    const file = path.join(dir, "generated");
    const first = ensureSecretFile(file, () => "first");
    const second = ensureSecretFile(file, () => "second");
    expect(first).toEqual({ value: "first", created: true });
    expect(second).toEqual({ value: "first", created: false });
    expect(mode(file)).toBe(0o600);
  });

  it("includes the session secret: a world-readable one stops start-up instead of being used", () => {
    const root = fs.mkdtempSync(path.join(dir, "data-"));
    fs.writeFileSync(path.join(root, "nextauth-secret"), "leaked-secret\n", { mode: 0o644 });
    expect(() => ensureAuthSecret(root, () => undefined)).toThrow(SecretFileModeError);
    expect(process.env.NEXTAUTH_SECRET).toBeUndefined();
    fs.chmodSync(path.join(root, "nextauth-secret"), 0o600);
    ensureAuthSecret(root, () => undefined);
    expect(process.env.NEXTAUTH_SECRET).toBe("leaked-secret");
  });

  it("generates the session secret 0600 on first start", () => {
    const root = fs.mkdtempSync(path.join(dir, "fresh-"));
    ensureAuthSecret(root, () => undefined);
    expect(mode(path.join(root, "nextauth-secret"))).toBe(0o600);
    expect(process.env.NEXTAUTH_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("private files (logs, backups)", () => {
  it("are created 0600 and narrowed to 0600 when they existed", () => {
    const file = path.join(dir, "server.log");
    fs.writeFileSync(file, "old line\n", { mode: 0o644 });
    const fd = openPrivateFile(file, "a");
    fs.writeSync(fd, "new line\n");
    fs.closeSync(fd);
    expect(mode(file)).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("old line\nnew line\n");
    const fresh = path.join(dir, "backup.dump");
    fs.closeSync(openPrivateFile(fresh, "w"));
    expect(mode(fresh)).toBe(0o600);
  });
});
