// Canary keys on the verification hot path. A canary is a honeytoken: whoever presents it read
// something they should not have. Verification answers it exactly like an unknown key and only
// notes the use here, synchronously and without I/O; the notification worker (which registers
// itself through setCanaryListener) records it moments later as a key.canary_used audit event,
// webhook and alert mail. Nothing on the hot path waits for the database.
//
// Bounded, because an attacker who holds a canary can replay it as fast as they like: one alert
// per minute for identical uses (same key, IP, method and path), at most ten a minute per key,
// and at most MAX_PENDING waiting; the rest is counted, not recorded one by one.
//
// Framework-free and database-free like the rest of the verification path; the state lives on
// globalThis so that the server's and Next's module graphs share one queue.

export interface CanaryUse {
  /** ApiKey.id */
  keyId: string;
  method: string | null;
  path: string | null;
  ip: string | null;
  at: Date;
}

const MAX_PENDING = 1000;
const WINDOW_MS = 60_000;
const PER_KEY_PER_WINDOW = 10;
const MAX_FIELD = 512;

interface CanaryState {
  pending: CanaryUse[];
  /** When each (key, ip, method, path) last raised an alert. */
  recent: Map<string, number>;
  /** Alerts per key in the current window. */
  perKey: Map<string, { start: number; count: number }>;
  /** Uses not recorded one by one (coalesced or over a limit) since the last take. */
  suppressed: number;
  listener: (() => void) | null;
}

const globalForCanary = globalThis as unknown as { __keydeskCanary?: CanaryState };

function state(): CanaryState {
  globalForCanary.__keydeskCanary ??= { pending: [], recent: new Map(), perKey: new Map(), suppressed: 0, listener: null };
  return globalForCanary.__keydeskCanary;
}

const clip = (value: string | null | undefined) => (typeof value === "string" ? value.slice(0, MAX_FIELD) : null);

/** Notes a verification of a canary key. Never throws, never waits. */
export function noteCanaryUse(keyId: string, request: { method?: string | null; path?: string | null; ip?: string | null }, now: Date = new Date()): void {
  const s = state();
  const use: CanaryUse = { keyId, method: clip(request.method), path: clip(request.path), ip: clip(request.ip), at: now };
  const t = now.getTime();
  const signature = `${use.keyId}\u0000${use.ip}\u0000${use.method}\u0000${use.path}`;
  const last = s.recent.get(signature);
  let window = s.perKey.get(keyId);
  if (!window || t - window.start >= WINDOW_MS) window = { start: t, count: 0 };
  if ((last !== undefined && t - last < WINDOW_MS) || window.count >= PER_KEY_PER_WINDOW || s.pending.length >= MAX_PENDING) {
    s.suppressed += 1;
    return;
  }
  window.count += 1;
  s.perKey.set(keyId, window);
  s.recent.set(signature, t);
  // Forgetting old signatures only ever allows one more alert, never fewer.
  if (s.recent.size > MAX_PENDING * 10) s.recent.clear();
  if (s.perKey.size > MAX_PENDING * 10) s.perKey.clear();
  s.pending.push(use);
  s.listener?.();
}

/** Takes every noted use (the worker records them), and how many were suppressed since last time. */
export function takeCanaryUses(): { uses: CanaryUse[]; suppressed: number } {
  const s = state();
  const taken = { uses: s.pending, suppressed: s.suppressed };
  s.pending = [];
  s.suppressed = 0;
  return taken;
}

/** Puts uses back after a failed attempt to record them (e.g. the database is down). */
export function returnCanaryUses(uses: CanaryUse[]): void {
  const s = state();
  s.pending = [...uses, ...s.pending].slice(0, MAX_PENDING);
}

/** Called (synchronously, so keep it cheap: schedule work) whenever a use is noted. */
export function setCanaryListener(listener: (() => void) | null): void {
  state().listener = listener;
}
