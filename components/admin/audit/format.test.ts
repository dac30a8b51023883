import { describe, expect, it } from "vitest";
import { actionLabel } from "@/components/admin/audit/format";
import { KNOWN_AUDIT_ACTIONS } from "@/lib/validations/audit";

describe("actionLabel", () => {
  it("says each action in words", () => {
    expect(actionLabel("key.revoked")).toBe("Key revoked");
    expect(actionLabel("key.canary_used")).toBe("Key canary used");
    expect(actionLabel("user.password_reset")).toBe("User password reset");
    expect(actionLabel("auth.sign_in_failed")).toBe("Sign in failed");
    expect(actionLabel("api.denied")).toBe("API denied");
    expect(actionLabel("setup.completed")).toBe("Setup completed");
  });

  it("never shows a code's dots or underscores", () => {
    for (const action of KNOWN_AUDIT_ACTIONS) expect(actionLabel(action)).not.toMatch(/[._]/);
    expect(actionLabel("webhook")).toBe("Webhook");
  });
});
