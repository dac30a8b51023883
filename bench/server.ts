// Starts and stops Keydesk server processes for the benchmark: production mode, one Node process
// each (node --import tsx, so SIGTERM reaches the server itself and its graceful shutdown runs).
// --expose-gc lets the benchmark's stats route collect garbage before memory is read.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface ServerHandle {
  name: string;
  port: number;
  baseUrl: string;
  pid: number;
  logFile: string;
  stop: () => Promise<void>;
}

export interface StartServerOptions {
  name: string;
  root: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  readyTimeoutMs?: number;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  const logFile = path.join(options.logDir, `server-${options.name}.log`);
  // Output goes straight to a file, not through pipes to us: a server whose stdout is a broken
  // pipe (if the benchmark itself were killed) would only fail on every log line.
  const logFd = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "server/index.ts"], {
    cwd: options.root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(options.port),
      HOST: "127.0.0.1",
      ...options.env,
    },
    stdio: ["ignore", logFd, logFd],
  });
  fs.closeSync(logFd);
  // If the benchmark dies without stopping us, the server must not outlive it: SIGTERM lets it
  // shut down on its own (finish requests, flush usage, stop its database connections).
  const onExit = () => child.kill("SIGTERM");
  process.once("exit", onExit);
  child.once("exit", () => process.off("exit", onExit));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const output = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  const ready = (async () => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server ${options.name} exited during start-up (${child.signalCode ?? `code ${child.exitCode}`}):\n${output().slice(-2000)}`);
      }
      if (/ready on http/.test(output())) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server ${options.name} not ready within ${(options.readyTimeoutMs ?? 120_000) / 1000} s; see ${logFile}`);
  })();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        if (!(await waitForExit(child, 30_000))) {
          child.kill("SIGKILL");
          await waitForExit(child, 5_000);
        }
      }
    })());
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.name, port: options.port, baseUrl, pid: child.pid ?? -1, logFile, stop };
}
