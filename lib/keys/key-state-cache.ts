// The cache of key state for verification: existing keys only (the membership index answers for
// the rest), bounded by a memory budget (KEYDESK_KEY_CACHE_MB) rather than an entry count, so that
// a key with 4 KiB of metadata costs what it weighs and 1,000,000 small keys fit where they can.
//
// Compact by construction, since at a million keys every byte per entry is a megabyte:
// - no string key and no Map: the whole hash as eight words in a typed array, found through an
//   open-addressing table of entry numbers on the hash's top bits (compared whole on every hit);
// - per entry only the value object itself is a JavaScript object; its age, its "recently used"
//   bit and its estimated size live in typed arrays;
// - eviction is CLOCK (second chance), which approximates LRU without touching anything but one
//   byte on a hit.
// Bytes per entry are measured by lib/keys/key-state-cache.test.ts and reported by the benchmark.
import { hexDigit } from "@/lib/keys/hash-prefix-set";

const MIN_SLOTS = 1024;
const MAX_LOAD = 0.7;
/** The whole hash as eight 32-bit words per entry: the table compares all of it on every hit. */
const HASH_WORDS = 8;

/** Table overhead per entry beyond the value: slot (4 B at load ≥ 0.35), hash, age, size, bit, array slot. */
export const ENTRY_OVERHEAD_BYTES = Math.ceil(4 / 0.35) + HASH_WORDS * 4 + 4 + 4 + 1 + 8;

export interface KeyStateCacheStats {
  size: number;
  /** Sum of the entries' estimated sizes, table overhead included. */
  bytes: number;
  budgetBytes: number;
  evictions: number;
}

/** Fills `out` with the eight words of a hex SHA-256 (either case); false if it is not one. */
function hashWords(hash: string, out: Uint32Array): boolean {
  if (hash.length !== 64) return false;
  for (let w = 0; w < HASH_WORDS; w++) {
    let word = 0;
    for (let c = 8 * w; c < 8 * w + 8; c++) {
      const digit = hexDigit(hash.charCodeAt(c));
      if (digit < 0) return false;
      word = ((word << 4) | digit) >>> 0;
    }
    out[w] = word;
  }
  return true;
}

export class KeyStateCache<V> {
  /** Entry index + 1 per slot (0 = empty), open addressing on the hash's top bits. */
  private slots: Uint32Array;
  private mask: number;
  private bits: number;
  private values: (V | undefined)[] = [];
  private words = new Uint32Array(0);
  private bornSec = new Uint32Array(0);
  private sizes = new Uint32Array(0);
  private used = new Uint8Array(0);
  private free: number[] = [];
  private hand = 0;
  private count = 0;
  private total = 0;
  private evicted = 0;
  private readonly epochMs = Date.now();
  private readonly probe = new Uint32Array(HASH_WORDS);

  constructor(private readonly options: { budgetBytes: number; ttlMs: number; sizeOf: (value: V) => number }) {
    this.slots = new Uint32Array(MIN_SLOTS);
    this.mask = MIN_SLOTS - 1;
    this.bits = Math.log2(MIN_SLOTS);
  }

  get size(): number {
    return this.count;
  }

  /** Estimated bytes held, table overhead included (what stats().bytes reports, without the object). */
  get bytes(): number {
    return this.total;
  }

  stats(): KeyStateCacheStats {
    return { size: this.count, bytes: this.total, budgetBytes: this.options.budgetBytes, evictions: this.evicted };
  }

  private nowSec(): number {
    return Math.floor((Date.now() - this.epochMs) / 1000);
  }

  private sameHash(index: number): boolean {
    const base = index * HASH_WORDS;
    for (let w = 0; w < HASH_WORDS; w++) if (this.words[base + w] !== this.probe[w]) return false;
    return true;
  }

  /** With `probe` filled: the slot holding it, or -(empty slot + 1) where it would go. */
  private locate(): number {
    const slots = this.slots;
    for (let i = (this.probe[0] as number) >>> (32 - this.bits); ; i = (i + 1) & this.mask) {
      const index = (slots[i] as number) - 1;
      if (index < 0) return -(i + 1);
      if (this.sameHash(index)) return i;
    }
  }

  /**
   * The cached value for this hash, unless absent or older than the TTL (or than `maxAgeMs`, when
   * shorter; ages are counted in whole seconds, so 1000 serves only entries from this second).
   * Marks it used. A value too old is dropped.
   */
  get(hash: string, maxAgeMs: number = this.options.ttlMs): V | undefined {
    if (!hashWords(hash, this.probe)) return undefined;
    const slot = this.locate();
    if (slot < 0) return undefined;
    const index = (this.slots[slot] as number) - 1;
    const ageMs = (this.nowSec() - (this.bornSec[index] as number)) * 1000;
    if (ageMs >= this.options.ttlMs) {
      this.removeSlot(slot);
      return undefined;
    }
    // Too old for this caller (no listener vouches for it), but kept: while the database cannot
    // be asked, it is still the last known state (key-cache.ts lookupKey).
    if (ageMs >= maxAgeMs) return undefined;
    this.used[index] = 1;
    return this.values[index];
  }

  /** Whether an entry for this hash is held, whatever its age; does not mark it used. */
  has(hash: string): boolean {
    return hashWords(hash, this.probe) && this.locate() >= 0;
  }

  set(hash: string, value: V): void {
    if (!hashWords(hash, this.probe)) return;
    const existing = this.locate();
    if (existing >= 0) this.removeSlot(existing);
    const bytes = this.options.sizeOf(value) + ENTRY_OVERHEAD_BYTES;
    // Larger than the whole budget: caching it would evict everything else.
    if (bytes > this.options.budgetBytes) return;
    while (this.count > 0 && this.total + bytes > this.options.budgetBytes) this.evictOne();
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    const slot = -this.locate() - 1;
    const index = this.allocate();
    this.slots[slot] = index + 1;
    this.words.set(this.probe, index * HASH_WORDS);
    this.values[index] = value;
    this.bornSec[index] = this.nowSec();
    this.sizes[index] = bytes;
    this.used[index] = 0;
    this.count += 1;
    this.total += bytes;
  }

  delete(hash: string): boolean {
    if (!hashWords(hash, this.probe)) return false;
    const slot = this.locate();
    if (slot < 0) return false;
    this.removeSlot(slot);
    return true;
  }

  clear(): void {
    this.slots.fill(0);
    this.values = [];
    this.free = [];
    this.words = new Uint32Array(0);
    this.bornSec = new Uint32Array(0);
    this.sizes = new Uint32Array(0);
    this.used = new Uint8Array(0);
    this.hand = 0;
    this.count = 0;
    this.total = 0;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const index = this.values.length;
    if (index >= this.sizes.length) {
      const capacity = Math.max(1024, this.sizes.length * 2);
      const words = new Uint32Array(capacity * HASH_WORDS);
      words.set(this.words);
      this.words = words;
      const bornSec = new Uint32Array(capacity);
      bornSec.set(this.bornSec);
      this.bornSec = bornSec;
      const sizes = new Uint32Array(capacity);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const used = new Uint8Array(capacity);
      used.set(this.used);
      this.used = used;
    }
    this.values.push(undefined);
    return index;
  }

  /** CLOCK: the first entry from the hand on that was not used since the hand last passed it. */
  private evictOne(): void {
    const length = this.values.length;
    for (let steps = 0; steps < 2 * length + 1; steps++) {
      const index = this.hand;
      this.hand = (this.hand + 1) % length;
      if (this.values[index] === undefined) continue;
      if (this.used[index]) {
        this.used[index] = 0;
        continue;
      }
      this.removeSlot(this.slotOf(index));
      this.evicted += 1;
      return;
    }
  }

  private slotOf(index: number): number {
    const home = (this.words[index * HASH_WORDS] as number) >>> (32 - this.bits);
    for (let i = home; ; i = (i + 1) & this.mask) if ((this.slots[i] as number) - 1 === index) return i;
  }

  private removeSlot(slot: number): void {
    const index = (this.slots[slot] as number) - 1;
    this.total -= this.sizes[index] as number;
    this.count -= 1;
    this.values[index] = undefined;
    this.free.push(index);
    // Backward-shift deletion, as in HashPrefixSet: no tombstones, so lookups stay short.
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    for (let j = (hole + 1) & mask; (slots[j] as number) !== 0; j = (j + 1) & mask) {
      const entry = (slots[j] as number) - 1;
      const home = (this.words[entry * HASH_WORDS] as number) >>> (32 - this.bits);
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole] = slots[j] as number;
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.bits += 1;
    for (const entry of old) {
      if (entry === 0) continue;
      let i = (this.words[(entry - 1) * HASH_WORDS] as number) >>> (32 - this.bits);
      while ((this.slots[i] as number) !== 0) i = (i + 1) & this.mask;
      this.slots[i] = entry;
    }
  }
}

// ---- sizing ------------------------------------------------------------------------------------

/** Strings many entries share (project ids, constraint methods…): stored once, counted once. */
const interned = new Map<string, string>();
const MAX_INTERNED = 10_000;

/** One copy of a string that many cache entries repeat, e.g. a project id. */
export function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED) interned.set(value, value);
  return value;
}

/** Frozen empty list for entries without constraints: one array instead of one per key. */
export const NO_ITEMS: readonly never[] = Object.freeze([]);

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/**
 * The heap bytes a cache value holds, as V8 lays it out on 64-bit Node (no pointer compression):
 * 16-byte string headers, 24-byte object headers plus 8 bytes per field, 16-byte heap numbers for
 * anything that is not a small integer. Interned strings and NO_ITEMS are shared, so free. Checked
 * against measured heap growth by key-state-cache.test.ts.
 */
export function estimateBytes(value: unknown): number {
  switch (typeof value) {
    case "string":
      if (interned.get(value) === value) return 0;
      // Latin-1 strings take one byte per character, others two.
      return 16 + align8(/^[\x00-\xff]*$/.test(value) ? value.length : 2 * value.length);
    case "number":
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? 0 : 16;
    case "object": {
      // A frozen empty list or object is a shared constant (NO_ITEMS, the empty metadata).
      if (value === null || (Object.isFrozen(value) && Object.keys(value).length === 0)) return 0;
      if (Array.isArray(value)) return 32 + (value.length ? 16 + 8 * value.length : 0) + value.reduce((sum: number, item) => sum + estimateBytes(item), 0);
      const fields = Object.values(value);
      return 24 + 8 * fields.length + fields.reduce((sum: number, item) => sum + estimateBytes(item), 0);
    }
    default:
      return 0;
  }
}

/** KEYDESK_KEY_CACHE_MB (MiB, default 128): what the key-state cache may hold, overhead included. */
export function keyCacheBudgetBytes(): number {
  const raw = Number(process.env.KEYDESK_KEY_CACHE_MB);
  const mb = Number.isFinite(raw) && raw > 0 ? raw : 128;
  return Math.floor(mb * 2 ** 20);
}
