// A fixed-window request limit per client, in this process's memory (bounded: the least recently
// seen clients are forgotten first). With several instances each enforces its own window, so the
// effective limit is N times the configured one; that still bounds what one client can make
// Keydesk do, which is the point.
import { LRUCache } from "lru-cache";

export interface RateLimiter {
  /** Counts a request; false when the client is over the limit (then retryAfterSeconds says when). */
  take(client: string, now?: number): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimiter(limit: number, windowMs: number, maxClients = 10_000): RateLimiter {
  const windows = new LRUCache<string, { start: number; count: number }>({ max: maxClients });
  return {
    take(client, now = Date.now()) {
      const current = windows.get(client);
      if (!current || now - current.start >= windowMs) {
        windows.set(client, { start: now, count: 1 });
        return { allowed: true };
      }
      current.count += 1;
      if (current.count <= limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((current.start + windowMs - now) / 1000)) };
    },
  };
}
