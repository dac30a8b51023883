// Lets a request wake this process's notification workers instead of waiting for their next
// poll (e.g. after a leak report or a test event). The workers run in the custom server's module
// graph and requests in Next's, so the hook lives on globalThis. Without running workers (tests,
// `next dev` alone) it does nothing: the rows wait for the next poll wherever workers run.
const globalForPoke = globalThis as unknown as { __keydeskNotificationsPoke?: () => void };

export function pokeNotifications(): void {
  globalForPoke.__keydeskNotificationsPoke?.();
}

export function setNotificationsPoke(poke: (() => void) | undefined): void {
  globalForPoke.__keydeskNotificationsPoke = poke;
}
