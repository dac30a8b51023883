// The activity table as rendered: an IP column only when the events carry addresses.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { KeyActivity, type KeyActivityEvent } from "@/components/api-keys/key-activity";

const event = (overrides: Partial<KeyActivityEvent>): KeyActivityEvent => ({
  id: "1",
  createdAt: "2026-12-01T10:00:00.000Z",
  action: "key.created",
  summary: 'Created key "Deploy bot"',
  actorLabel: "Ada Admin",
  ip: null,
  ...overrides,
});

describe("KeyActivity", () => {
  it("shows addresses to those who may see them", () => {
    const html = renderToStaticMarkup(<KeyActivity events={[event({ ip: "198.51.100.23", actorLabel: "ada@example.com" })]} />);
    expect(html).toContain(">IP</th>");
    expect(html).toContain("198.51.100.23");
  });

  it("has no IP column, and says why, when the events were redacted", () => {
    const html = renderToStaticMarkup(<KeyActivity events={[event({ redacted: true })]} />);
    expect(html).not.toContain(">IP</th>");
    expect(html).toContain("IP addresses and emails are shown to administrators only.");
    expect(html).toContain("Ada Admin");
  });
});
