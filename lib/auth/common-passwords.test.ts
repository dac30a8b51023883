import { describe, expect, it } from "vitest";
import { isCommonPassword } from "@/lib/auth/common-passwords";

describe("isCommonPassword", () => {
  it.each([
    "1234567890",
    "qwertyuiop",
    "QWERTYUIOP",
    "1q2w3e4r5t",
    "password123",
    "Password123!",
    "!!password2024",
    "iloveyou12345",
    "ｐａｓｓｗｏｒｄ１２３",
    "aaaaaaaaaaaa",
    "abababababab",
    "keydesk2024!",
  ])("refuses %j", (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it("refuses the person's own email, decorated or not", () => {
    expect(isCommonPassword("ada.lovelace@example.com", { email: "Ada.Lovelace@example.com" })).toBe(true);
    expect(isCommonPassword("ada.lovelace1234", { email: "ada.lovelace@example.com" })).toBe(true);
    expect(isCommonPassword("ada.lovelace1234", { email: "someone@example.com" })).toBe(false);
  });

  it.each(["correct-horse-battery-1", "a-long-password-1", "tulip marble ferry 7", "Xk9#mQ2$vL8p", "password-manager-entropy"])(
    "accepts %j",
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
