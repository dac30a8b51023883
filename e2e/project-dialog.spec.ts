// The project dialog after a failed submit: React resets the form when its action returns, and
// a controlled <select> used to fall back to its first option ("30 days") while the form still
// held the lifetime the administrator chose; the next submit then saved something else than
// what was on screen.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { signIn } from "./support/session";

const suffix = Date.now().toString(36).slice(-5);

async function openNewProject(page: Page) {
  await page.goto("/admin/projects");
  await page.getByRole("button", { name: "New project" }).click();
  return page.getByRole("dialog", { name: "New project" });
}

test("the maximum lifetime shown after a validation error is the one that is saved", async ({ page }) => {
  test.setTimeout(180_000); // two projects, each submitted twice
  await signIn(page, ADMIN);

  for (const choice of [
    { label: "Unlimited", value: "unlimited", saved: "Unlimited" },
    { label: "90 days", value: "90", saved: "90 days" },
  ]) {
    const name = `Lifetime ${choice.value} ${suffix}`;
    const dialog = await openNewProject(page);
    await dialog.getByLabel("Name").fill(name);
    const lifetime = dialog.getByLabel("Maximum key lifetime");
    await lifetime.selectOption({ label: choice.label });
    // Only an uncontrolled field is wrong, so nothing re-renders the select after the error.
    await dialog.getByLabel("Active-key limit").fill("0");
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(dialog.getByText("Active-key limit must be between 1 and 1000")).toBeVisible();

    await expect(lifetime).toHaveValue(choice.value);
    await expect(dialog.getByLabel("Allow keys without expiry")).toBeEnabled({ enabled: choice.value === "unlimited" });

    await dialog.getByLabel("Active-key limit").fill("7");
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("0 / 7");
    await expect(row).toContainText(choice.saved);
  }
});
