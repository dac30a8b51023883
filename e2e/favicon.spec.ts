// Every page links the favicon (app/icon.svg, the logo's key tile), and it is served as SVG to
// visitors who are not signed in (the proxy lets it through).
import { expect, test } from "@playwright/test";

test("pages link an SVG favicon that is served without a session", async ({ page, request }) => {
  await page.goto("/sign-in");
  const href = await page.locator('link[rel="icon"]').getAttribute("href");
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await request.get(href!, { maxRedirects: 0 });
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  expect(await icon.text()).toContain("<svg");
});
