// Tells every Keydesk process that a key's state changed (revoked, rolled, edited), so their
// verification caches drop it. pg_notify inside the writing transaction is delivered at
// commit and only if it commits; the same-process cache is cleared directly after commit.
import type { Tx } from "@/lib/db";

export const KEY_CHANGED_CHANNEL = "keydesk_key_changed";

type Listener = (hash: string) => void;
const globalForListeners = globalThis as unknown as { __keydeskKeyListeners?: Set<Listener> };
const listeners = (globalForListeners.__keydeskKeyListeners ??= new Set());

export function onKeyChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitKeyChanged(hash: string): void {
  for (const listener of listeners) listener(hash);
}

export async function notifyKeyChanged(tx: Tx, hash: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${hash})`;
}
