// Runs after every other spec: no secret revealed during the run may appear in any log line.
import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { revealedSecrets, serverLog } from "./support/secrets";

test("no secret or password created during the run appears in the server's log", () => {
  const log = serverLog();
  expect(log).toContain("ready on http://localhost");
  const secrets = revealedSecrets();
  expect(secrets.length, "the e2e run should have revealed at least one key").toBeGreaterThan(0);
  for (const secret of [...secrets, ADMIN.password]) {
    expect(log.includes(secret), `a secret (${secret.slice(0, 6)}…) leaked into the log`).toBe(false);
    // Not even its random body, in case a log line trimmed or re-encoded the prefix.
    expect(log.includes(secret.slice(secret.indexOf("_") + 1, secret.indexOf("_") + 21))).toBe(false);
  }
});
