// Tells every Keydesk process that a key's state changed (revoked, rolled, edited, disabled) or
// that a project changed (created, edited, archived), so their verification caches drop it.
// pg_notify inside the writing transaction is delivered at commit and only if it commits; the
// same-process caches are cleared directly after commit (emit…).
//
// New keys are announced by the database itself (a trigger on "ApiKey", migration
// 20261202000400) on KEY_CREATED_CHANNEL, for the membership index (key-index.ts) of every
// process; the creating process adds them directly after commit with emitKeyCreated().
import type { Tx } from "@/lib/db";

export const KEY_CHANGED_CHANNEL = "keydesk_key_changed";
export const KEY_CREATED_CHANNEL = "keydesk_key_created";
export const PROJECT_CHANGED_CHANNEL = "keydesk_project_changed";

type Listener = (payload: string) => void;
const globalForListeners = globalThis as unknown as {
  __keydeskKeyListeners?: Set<Listener>;
  __keydeskKeyCreatedListeners?: Set<Listener>;
  __keydeskProjectListeners?: Set<Listener>;
};
const keyListeners = (globalForListeners.__keydeskKeyListeners ??= new Set());
const createdListeners = (globalForListeners.__keydeskKeyCreatedListeners ??= new Set());
const projectListeners = (globalForListeners.__keydeskProjectListeners ??= new Set());

export function onKeyChanged(listener: Listener): () => void {
  keyListeners.add(listener);
  return () => keyListeners.delete(listener);
}

export function emitKeyChanged(hash: string): void {
  for (const listener of keyListeners) listener(hash);
}

export function onKeyCreated(listener: Listener): () => void {
  createdListeners.add(listener);
  return () => createdListeners.delete(listener);
}

/** After the creating transaction committed: the key exists for this process's index at once. */
export function emitKeyCreated(hash: string): void {
  for (const listener of createdListeners) listener(hash);
}

export async function notifyKeyChanged(tx: Tx, hash: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${hash})`;
}

/** One notification per hash, in one statement (bulk revoke). */
export async function notifyKeysChanged(tx: Tx, hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, h) FROM unnest(${[...hashes]}::text[]) AS h`;
}

export function onProjectChanged(listener: Listener): () => void {
  projectListeners.add(listener);
  return () => projectListeners.delete(listener);
}

/** `projectId` is informational: verifiers reload their whole project table (projects are few). */
export function emitProjectChanged(projectId: string): void {
  for (const listener of projectListeners) listener(projectId);
}

export async function notifyProjectChanged(tx: Tx, projectId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${PROJECT_CHANGED_CHANNEL}, ${projectId})`;
}
