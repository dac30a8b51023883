// Files that hold secrets (generated passwords and keys) or must not be altered by others (the
// audit chain's recorded head). They are created with mode 0600 from the first byte — opened
// with that mode and fchmod-ed before anything is written, so no umask and no moment in time
// leaves them readable — and their mode is checked on EVERY read, not only when created.
//
// A file that other users can read or write is refused, not silently fixed: its secret may
// already have been copied, and only the operator can decide to replace it (README, Security
// notes). Start-up stops with the exact chmod to run.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const PRIVATE = 0o600;

export class SecretFileModeError extends Error {
  constructor(
    public readonly file: string,
    public readonly mode: number,
  ) {
    super(
      `${file} is accessible to other users (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); Keydesk refuses to use it. ` +
        `Run \`chmod 600 ${file}\`, and replace the secret it holds if anyone else could have read it.`,
    );
    this.name = "SecretFileModeError";
  }
}

/** The file's contents, or null when it does not exist. Throws SecretFileModeError when group or others have any access. */
export function readSecretFile(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    // fstat on the open descriptor: the file checked is the file read.
    const { mode } = fs.fstatSync(fd);
    if ((mode & 0o077) !== 0) throw new SecretFileModeError(file, mode);
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** A new private file next to `file`, written completely and flushed; the caller moves it into place. */
function writeTemp(file: string, contents: string): string {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
  // "wx": never follows or reuses an existing file; the mode applies from creation on.
  const fd = fs.openSync(tmp, "wx", PRIVATE);
  try {
    fs.fchmodSync(fd, PRIVATE); // exactly 0600, whatever the umask took away
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/** Replaces `file` atomically: readers see the old contents or the new, never a mix, never a wider mode. */
export function writeSecretFile(file: string, contents: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = writeTemp(file, contents);
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * The secret in `file`, created with `generate()` when the file does not exist yet. Two processes
 * starting at once agree on one secret: the file appears through link(2), which fails when the
 * other process got there first, and then its secret is read instead.
 */
export function ensureSecretFile(file: string, generate: () => string): { value: string; created: boolean } {
  const existing = readSecretFile(file);
  if (existing !== null) return { value: existing, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = generate();
  const tmp = writeTemp(file, value);
  try {
    fs.linkSync(tmp, file);
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readSecretFile(file);
    if (winner === null) throw error;
    return { value: winner, created: false };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Opens `file` for appending ("a", logs) or from empty ("w", backups) such that only its owner can
 * read it: created 0600, and narrowed to 0600 if it already existed, before anything is written.
 */
export function openPrivateFile(file: string, flags: "a" | "w"): number {
  const fd = fs.openSync(file, flags, PRIVATE);
  fs.fchmodSync(fd, PRIVATE);
  return fd;
}
