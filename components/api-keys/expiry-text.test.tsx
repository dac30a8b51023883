// The keys list's "Expires" cell as the server renders it (the first thing a reader sees).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ExpiryText } from "@/components/api-keys/expiry-text";
import { DAY_MS } from "@/lib/dates";

const serverNow = "2026-03-01T12:00:00.000Z";
const inDays = (days: number) => new Date(Date.parse(serverNow) + days * DAY_MS).toISOString();
const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("ExpiryText", () => {
  it("says when an active key expires, by the one relative-time rule", () => {
    expect(text(renderToStaticMarkup(<ExpiryText expiresAt={inDays(30.4)} status="active" serverNow={serverNow} />))).toBe("in 30 days");
    expect(text(renderToStaticMarkup(<ExpiryText expiresAt={null} status="active" serverNow={serverNow} />))).toBe("Never");
    expect(text(renderToStaticMarkup(<ExpiryText expiresAt={inDays(3)} status="active" serverNow={serverNow} />))).toBe("Expires in 3 days");
  });

  it("shows no expiry for a revoked key, never a future one", () => {
    for (const expiresAt of [inDays(30), inDays(3), null]) {
      const html = renderToStaticMarkup(<ExpiryText expiresAt={expiresAt} status="revoked" serverNow={serverNow} />);
      // A dash, and words for screen readers; "Revoked" itself is in the row's status cell.
      expect(text(html)).toBe("—does not apply");
      expect(html).not.toContain("<time");
    }
  });

  it("shows an expired key's expiry in the past", () => {
    expect(text(renderToStaticMarkup(<ExpiryText expiresAt={inDays(-2)} status="expired" serverNow={serverNow} />))).toBe("2 days ago");
  });

  it("names the verb where no Expires heading is above it (the narrow list)", () => {
    const say = (expiresAt: string | null, status: "active" | "expired") =>
      text(renderToStaticMarkup(<ExpiryText expiresAt={expiresAt} status={status} serverNow={serverNow} withVerb />));
    expect(say(inDays(30.4), "active")).toBe("Expires in 30 days");
    expect(say(null, "active")).toBe("Never expires");
    expect(say(inDays(3), "active")).toBe("Expires in 3 days");
    expect(say(inDays(-2), "expired")).toBe("Expired 2 days ago");
  });
});
