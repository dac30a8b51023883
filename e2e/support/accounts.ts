// Accounts the e2e run creates through the UI. Test-only credentials on a throwaway database.
export const ADMIN = { name: "Ada Lovelace", email: "ada@keydesk.test", password: "correct-horse-battery-1" };
export const VIEWER = { name: "Vera Viewer", email: "vera@keydesk.test" };
