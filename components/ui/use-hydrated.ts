"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False during server rendering and hydration, true after. Forms whose submit is handled in
 * JavaScript disable their button until then: a native submit before hydration would send a
 * GET with the password in the URL.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}
