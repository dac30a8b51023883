// axe-core in every colour scheme and width: shared by the accessibility spec and the first-run
// spec (the setup page exists only before the first-run spec creates the administrator).
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export const MODES = [
  { scheme: "light", width: 1440, height: 900 },
  { scheme: "dark", width: 1440, height: 900 },
  { scheme: "light", width: 390, height: 844 },
  { scheme: "dark", width: 390, height: 844 },
] as const;

export type Mode = (typeof MODES)[number];

/** Only what a phone shows (the mobile navigation sheet exists below the sidebar's breakpoint). */
export const NARROW_MODES = MODES.filter((mode) => mode.width < 768);

async function violations(page: Page, mode: Mode, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) =>
      `${label} [${mode.scheme} ${mode.width}px] ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`).join("\n"),
  );
}

/** Opens a page (and whatever `open` opens on it) once, then checks it in every mode. */
export async function checkEveryMode(page: Page, label: string, open: () => Promise<void>, modes: readonly Mode[] = MODES) {
  const [firstMode] = modes;
  if (!firstMode) throw new Error("checkEveryMode needs at least one mode");
  await page.setViewportSize({ width: firstMode.width, height: firstMode.height });
  await page.emulateMedia({ colorScheme: firstMode.scheme, reducedMotion: "reduce" });
  await open();
  const found: string[] = [];
  // The colour scheme and the width change in place (media and container queries follow at once).
  for (const mode of modes) {
    await page.setViewportSize({ width: mode.width, height: mode.height });
    await page.emulateMedia({ colorScheme: mode.scheme, reducedMotion: "reduce" });
    // Let colour transitions finish: axe once read an input mid-way from dark to light text.
    await page.waitForTimeout(250);
    found.push(...(await violations(page, mode, label)));
    await screenshot(page, mode, label);
  }
  expect(found, found.join("\n")).toEqual([]);
}

/** With KEYDESK_SHOTS_DIR set, what was checked is also saved, for a person to look at. */
async function screenshot(page: Page, mode: Mode, label: string) {
  const dir = process.env.KEYDESK_SHOTS_DIR;
  if (!dir) return;
  const name = `${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${mode.scheme}-${mode.width}.png`;
  await page.screenshot({ path: path.join(dir, name), fullPage: true });
}

export async function visit(page: Page, path: string, heading: RegExp | string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading }).first()).toBeVisible();
}
