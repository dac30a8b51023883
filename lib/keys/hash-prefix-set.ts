// A set of 8-byte SHA-256 prefixes in one typed array: the membership index of every existing key
// (see key-index.ts). No JavaScript object per key — 1,000,000 prefixes take 16 MiB — so it can
// hold every key an installation has, and a lookup is a few array reads.
//
// Layout: open addressing with linear probing over a Uint32Array of (hi, lo) pairs, where hi and
// lo are the first and second 32 bits of the hash. The hash is uniformly random, so its own top
// bits are the home slot (no mixing needed), which also keeps each hash range (its top RANGE_BITS)
// in one contiguous stretch of slots: a range can be listed or replaced without a full scan.
// Removal shifts later entries back (no tombstones), so lookups never slow down with churn.
// The all-zero pair marks an empty slot; the one prefix that is all zeros is kept in a flag.
//
// Per range, a count and an XOR of the members are kept current: the consistency check compares
// them with the same figures computed by PostgreSQL and repairs only the ranges that differ.

/** 1024 ranges: at 1,000,000 keys about 1,000 prefixes each, so a repair reads a few KiB. */
export const RANGE_BITS = 10;
export const RANGE_COUNT = 1 << RANGE_BITS;
const RANGE_SHIFT = 32 - RANGE_BITS;
const MIN_CAPACITY = 1024;
/** Grow past this load: a miss (the common answer under attack) then probes ~8 slots at worst. */
const MAX_LOAD = 0.75;

/** The range (0 … RANGE_COUNT-1) of a prefix: its top RANGE_BITS bits. */
export function rangeOf(hi: number): number {
  return hi >>> RANGE_SHIFT;
}

export interface RangeSummary {
  counts: Uint32Array;
  xorHi: Uint32Array;
  xorLo: Uint32Array;
}

/** The value of one hex digit's character code, or -1. */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * The (hi, lo) prefix of a hex SHA-256, or null when its first 16 characters are not hex.
 * Written out instead of parseInt(slice) because it runs once per verification.
 */
export function prefixOfHash(hash: string): [hi: number, lo: number] | null {
  if (hash.length < 16) return null;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    const a = hexDigit(hash.charCodeAt(i));
    const b = hexDigit(hash.charCodeAt(i + 8));
    if (a < 0 || b < 0) return null;
    hi = ((hi << 4) | a) >>> 0;
    lo = ((lo << 4) | b) >>> 0;
  }
  return [hi, lo];
}

/** Capacity (a power of two) that holds `expected` prefixes without growing. */
function capacityFor(expected: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity * MAX_LOAD < expected) capacity *= 2;
  return capacity;
}

export class HashPrefixSet {
  private slots: Uint32Array;
  private mask: number;
  /** log2(capacity): the home slot is the top `bits` bits of hi. */
  private bits: number;
  private stored = 0;
  private hasZero = false;
  private readonly summary: RangeSummary = {
    counts: new Uint32Array(RANGE_COUNT),
    xorHi: new Uint32Array(RANGE_COUNT),
    xorLo: new Uint32Array(RANGE_COUNT),
  };

  constructor(expected = 0) {
    const capacity = capacityFor(expected);
    this.slots = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    this.bits = Math.log2(capacity);
  }

  get size(): number {
    return this.stored + (this.hasZero ? 1 : 0);
  }

  /** Memory held by the set itself: the slot array and the per-range figures. */
  get byteLength(): number {
    return this.slots.byteLength + 3 * RANGE_COUNT * 4;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  private home(hi: number): number {
    // bits ≥ 10, so the shift is < 32 and never a no-op.
    return hi >>> (32 - this.bits);
  }

  /** The slot holding (hi, lo), or -1. */
  private find(hi: number, lo: number): number {
    const slots = this.slots;
    for (let i = this.home(hi); ; i = (i + 1) & this.mask) {
      const h = slots[2 * i] as number;
      const l = slots[2 * i + 1] as number;
      if (h === hi && l === lo) return i;
      if (h === 0 && l === 0) return -1;
    }
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) return this.hasZero;
    return this.find(hi >>> 0, lo >>> 0) >= 0;
  }

  private account(hi: number, lo: number): void {
    const r = rangeOf(hi);
    const s = this.summary;
    s.xorHi[r] = ((s.xorHi[r] as number) ^ hi) >>> 0;
    s.xorLo[r] = ((s.xorLo[r] as number) ^ lo) >>> 0;
  }

  /** Adds a prefix; false when it was already there. */
  add(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.summary.counts[0] = (this.summary.counts[0] as number) + 1;
      return true;
    }
    if ((this.stored + 1) > this.capacity * MAX_LOAD) this.grow();
    const slots = this.slots;
    let i = this.home(hi);
    for (;;) {
      const h = slots[2 * i] as number;
      const l = slots[2 * i + 1] as number;
      if (h === hi && l === lo) return false;
      if (h === 0 && l === 0) break;
      i = (i + 1) & this.mask;
    }
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    this.stored += 1;
    const r = rangeOf(hi);
    this.summary.counts[r] = (this.summary.counts[r] as number) + 1;
    this.account(hi, lo);
    return true;
  }

  /** Removes a prefix; false when it was not there. */
  delete(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) {
      if (!this.hasZero) return false;
      this.hasZero = false;
      this.summary.counts[0] = (this.summary.counts[0] as number) - 1;
      return true;
    }
    const found = this.find(hi, lo);
    if (found < 0) return false;
    this.removeAt(found);
    this.stored -= 1;
    const r = rangeOf(hi);
    this.summary.counts[r] = (this.summary.counts[r] as number) - 1;
    this.account(hi, lo);
    return true;
  }

  /**
   * Backward-shift deletion: every later entry of the probe run that may move into the hole does,
   * so a run never has a gap before an entry that belongs to it.
   */
  private removeAt(slot: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const h = slots[2 * j] as number;
      const l = slots[2 * j + 1] as number;
      if (h === 0 && l === 0) break;
      const home = this.home(h);
      // Movable when its home is not in the cyclic interval (hole, j].
      const distanceToEntry = (j - home) & mask;
      const distanceToHole = (j - hole) & mask;
      if (distanceToEntry >= distanceToHole) {
        slots[2 * hole] = h;
        slots[2 * hole + 1] = l;
        hole = j;
      }
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    this.bits += 1;
    const slots = this.slots;
    for (let k = 0; k < old.length; k += 2) {
      const hi = old[k] as number;
      const lo = old[k + 1] as number;
      if (hi === 0 && lo === 0) continue;
      let i = this.home(hi);
      while ((slots[2 * i] as number) !== 0 || (slots[2 * i + 1] as number) !== 0) i = (i + 1) & this.mask;
      slots[2 * i] = hi;
      slots[2 * i + 1] = lo;
    }
  }

  /** Count and XOR of the members per range (live views: copy before keeping them). */
  rangeSummary(): Readonly<RangeSummary> {
    return this.summary;
  }

  /**
   * Members of one range as (hi, lo) pairs. Scans only the range's own slots and the probe run
   * that spills past them: a member never sits before its home slot or after an empty slot.
   */
  membersOfRange(range: number): Uint32Array {
    const out: number[] = [];
    if (range === 0 && this.hasZero) out.push(0, 0);
    const slots = this.slots;
    const capacity = this.mask + 1;
    const first = this.home((range << RANGE_SHIFT) >>> 0);
    const last = this.home(((range << RANGE_SHIFT) | ((1 << RANGE_SHIFT) - 1)) >>> 0);
    let i = first;
    for (let steps = 0; steps < capacity; steps++, i = (i + 1) & this.mask) {
      const h = slots[2 * i] as number;
      const l = slots[2 * i + 1] as number;
      const empty = h === 0 && l === 0;
      // Past the range's last home slot, the first empty slot ends every run that can hold it.
      if (empty && ((i - first) & this.mask) > ((last - first) & this.mask)) break;
      if (!empty && rangeOf(h) === range) out.push(h, l);
    }
    return Uint32Array.from(out);
  }

  /** Makes one range hold exactly `members` ((hi, lo) pairs, all of that range). */
  replaceRange(range: number, members: Uint32Array): { added: number; removed: number } {
    const wanted = new Set<string>();
    for (let k = 0; k < members.length; k += 2) {
      const hi = (members[k] as number) >>> 0;
      if (rangeOf(hi) !== range) throw new RangeError(`prefix ${hi.toString(16)} is not in range ${range}`);
      wanted.add(`${hi}:${members[k + 1] as number}`);
    }
    let removed = 0;
    const current = this.membersOfRange(range);
    for (let k = 0; k < current.length; k += 2) {
      const hi = current[k] as number;
      const lo = current[k + 1] as number;
      if (!wanted.has(`${hi}:${lo}`) && this.delete(hi, lo)) removed += 1;
    }
    let added = 0;
    for (let k = 0; k < members.length; k += 2) if (this.add(members[k] as number, members[k + 1] as number)) added += 1;
    return { added, removed };
  }
}
