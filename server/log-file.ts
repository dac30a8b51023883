// KEYDESK_LOG_FILE: also append everything this process prints to a file. The e2e run uses it
// to prove that no secret created during the run ever reaches a log line.
import fs from "node:fs";

export function teeOutputToFile(file: string | undefined): void {
  if (!file) return;
  const stream = fs.createWriteStream(file, { flags: "a" });
  for (const target of [process.stdout, process.stderr]) {
    const write = target.write.bind(target) as (chunk: unknown, ...rest: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]) => {
      stream.write(typeof chunk === "string" || chunk instanceof Uint8Array ? chunk : String(chunk));
      return write(chunk, ...rest);
    }) as typeof target.write;
  }
}
