// Bytes per entry of the key-state cache (lib/keys/key-state-cache.ts), measured rather than
// estimated: fills a cache with entries shaped like cached keys (a UUID, a public id, a name, an
// interned project id, an expiry for one key in three, enabled, no owner, metadata or constraints) up to N, then 2N, then 4N,
// and divides the heap growth from 2N to 4N by 2N (every array doubles exactly once in between),
// so that start-up garbage and one-off allocations do not count.
//
// Run: node --expose-gc --single-threaded-gc --import tsx bench/measure-key-cache.ts [N]
// (without --single-threaded-gc, concurrent sweeping makes heapUsed after gc() unreliable).
// Prints one JSON line: { entries, measuredBytesPerEntry, estimatedBytesPerEntry }.
import { KeyStateCache, NO_ITEMS, estimateBytes, intern } from "@/lib/keys/key-state-cache";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc --single-threaded-gc");
const N = Number(process.argv[2] ?? 32_768);

// Strings built by join() are flat, like the ones pg hands over (crypto's keep hidden buffers).
const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet.charAt(Math.floor(Math.random() * alphabet.length))).join("");
const HEX = "0123456789abcdef";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const uuid = () => [pick(HEX, 8), pick(HEX, 4), pick(HEX, 4), pick(HEX, 4), pick(HEX, 12)].join("-");
const project = intern(uuid());
const NO_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});
const entry = (n: number) => ({
  id: uuid(),
  publicId: ["key_", pick(BASE62, 16)].join(""),
  name: ["billing-prod-", String(n).padStart(6, "0")].join(""),
  projectId: project,
  expiresAt: n % 3 === 0 ? Date.now() + 1e9 + n : null,
  revokedAt: null,
  enabled: true,
  externalId: null,
  metadata: NO_METADATA,
  projectArchived: false,
  constraints: NO_ITEMS,
});

const hashes = Array.from({ length: 4 * N }, () => pick(HEX, 64));
const cache = new KeyStateCache<ReturnType<typeof entry>>({ budgetBytes: 2 ** 40, ttlMs: 3_600_000, sizeOf: estimateBytes });
const heap = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const fill = (to: number) => {
  for (let n = cache.size; n < to; n++) cache.set(hashes[n] as string, entry(n));
};
fill(2 * N);
const half = heap();
const halfEstimate = cache.stats().bytes;
fill(4 * N);
const measured = (heap() - half) / (2 * N);
const estimated = (cache.stats().bytes - halfEstimate) / (2 * N);
process.stdout.write(`${JSON.stringify({ entries: 4 * N, measuredBytesPerEntry: Math.round(measured), estimatedBytesPerEntry: Math.round(estimated) })}\n`);
