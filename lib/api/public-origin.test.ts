import { describe, expect, it } from "vitest";
import { publicOrigin, publicOriginFromHeaders } from "@/lib/api/public-origin";

describe("publicOriginFromHeaders (the dashboard's base URL and curl examples)", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("agrees with the document's servers entry: NEXTAUTH_URL first, then the Host the client sent", () => {
    const sent = headers({ host: "keys.example.com:8443" });
    const request = new Request("http://0.0.0.0:3000/api/v1/openapi.json", { headers: sent });
    for (const env of [{ NEXTAUTH_URL: "https://keys.example.com/app" }, {}]) {
      expect(publicOriginFromHeaders(sent, "http://localhost:3000", env)).toBe(publicOrigin(request, env));
    }
    expect(publicOriginFromHeaders(sent, "http://localhost:3000", { NEXTAUTH_URL: "https://keys.example.com/app" })).toBe("https://keys.example.com");
    expect(publicOriginFromHeaders(sent, "http://localhost:3000", {})).toBe("http://keys.example.com:8443");
  });

  it("is https behind a trusted proxy that says so, and only then", () => {
    const proxied = headers({ host: "10.0.0.5:3000", "x-forwarded-proto": "https", "x-forwarded-host": "api.example.org" });
    expect(publicOriginFromHeaders(proxied, "http://localhost:3000", { KEYDESK_TRUST_PROXY: "1" })).toBe("https://api.example.org");
    expect(publicOriginFromHeaders(proxied, "http://localhost:3000", {})).toBe("http://10.0.0.5:3000");
  });

  it("falls back when the Host is missing or not a host name", () => {
    expect(publicOriginFromHeaders(headers({}), "http://localhost:3000", {})).toBe("http://localhost:3000");
    expect(publicOriginFromHeaders(headers({ host: "evil.example/<script>" }), "", {})).toBe("");
  });
});
