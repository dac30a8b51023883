// Everything this process prints goes to stdout and stderr and, with KEYDESK_LOG_FILE, to a file
// as well (the e2e run uses it to prove that no secret created during the run reaches a log line).
//
// stdout and stderr may break while we run: when whoever read them is gone, every write fails with
// EPIPE. Unhandled, that error is an uncaught exception, which Next's own handler logs to stderr,
// which fails the same way: a loop that fills the log file and starves the event loop, so the
// server stops answering and never gets to handle SIGTERM. A broken stream is therefore dropped
// (and only that one); the log file keeps receiving every line.
import fs from "node:fs";
import { tagWithRequestId } from "@/server/request-scope";

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/** Appends synchronously: the lines written just before process.exit() ("stopped") must arrive too. */
function fileCopier(file: string | undefined): ((chunk: unknown) => void) | null {
  if (!file) return null;
  // Created owner-only: log lines name people (emails, IPs). An existing file keeps the mode its
  // operator gave it (a log shipper may read it through its group).
  const fd = fs.openSync(file, "a", 0o600);
  return (chunk) => {
    try {
      if (chunk instanceof Uint8Array) fs.writeSync(fd, chunk);
      else fs.writeSync(fd, String(chunk));
    } catch {
      // A log file we cannot write to (disk full) must not take the server down either.
    }
  };
}

export function setUpProcessOutput(file: string | undefined): void {
  const copy = fileCopier(file);
  for (const target of [process.stdout, process.stderr]) {
    let broken = false;
    target.on("error", () => {
      broken = true;
    });
    const write = target.write.bind(target) as Write;
    target.write = ((raw: unknown, ...rest: unknown[]) => {
      // Lines written while a request is handled name it (the id its Request-Id header shows).
      const chunk = tagWithRequestId(raw);
      copy?.(chunk);
      if (!broken) {
        try {
          return write(chunk, ...rest);
        } catch {
          broken = true;
        }
      }
      // Dropped: still call back, so that a caller waiting for the write is not left hanging.
      const callback = rest.find((arg): arg is () => void => typeof arg === "function");
      if (callback) process.nextTick(callback);
      return true;
    }) as typeof target.write;
  }
}
