import { describe, expect, it } from "vitest";
import { parseVerifyRequest } from "./verify-request";

describe("parseVerifyRequest", () => {
  it("reads key, project, method, path, ip and cost, and ignores every other field", () => {
    expect(
      parseVerifyRequest({ key: "kd_x", project: "default", method: "GET", path: "/a", ip: "10.0.0.1", cost: 3, extra: { nested: true } }),
    ).toEqual({ ok: true, request: { key: "kd_x", project: "default", method: "GET", path: "/a", ip: "10.0.0.1", cost: 3 } });
    expect(parseVerifyRequest({ key: "kd_x", project: "default", method: null, path: null, ip: null })).toEqual({
      ok: true,
      request: { key: "kd_x", project: "default", method: undefined, path: undefined, ip: undefined, cost: 1 },
    });
  });

  it("takes cost as an integer 0…1000, 1 when absent, and refuses anything else", () => {
    for (const cost of [0, 1, 1000]) expect(parseVerifyRequest({ key: "kd_x", project: "default", cost })).toMatchObject({ ok: true, request: { cost } });
    for (const cost of [-1, 1001, 2.5, "3", true, [1], { n: 1 }]) {
      expect(parseVerifyRequest({ key: "kd_x", project: "default", cost }), String(cost)).toEqual({
        ok: false,
        message: '"cost" must be a whole number from 0 to 1000 (1 when left out)',
      });
    }
  });

  it("requires key and project, and says what to send", () => {
    expect(parseVerifyRequest({ project: "default" })).toEqual({ ok: false, message: expect.stringMatching(/^"key" is required/) });
    const noProject = parseVerifyRequest({ key: "kd_x" });
    expect(noProject).toEqual({ ok: false, message: expect.stringMatching(/^"project" is required: send the slug or id of the project/) });
    expect(parseVerifyRequest({ key: "kd_x", project: null })).toEqual(noProject);
    expect(parseVerifyRequest({ key: "kd_x", project: 7 })).toEqual({ ok: false, message: expect.stringMatching(/^"project" must be a string/) });
    expect(parseVerifyRequest({ key: "kd_x", project: ["default"] })).toMatchObject({ ok: false });
  });

  it("refuses optional fields of the wrong type", () => {
    for (const field of ["method", "path", "ip"]) {
      expect(parseVerifyRequest({ key: "kd_x", project: "default", [field]: 1 }), field).toEqual({ ok: false, message: `"${field}" must be a string` });
    }
  });

  it("reads own properties only, never the prototype chain", () => {
    const inherited = Object.create({ key: "kd_x", project: "default" }) as Record<string, unknown>;
    expect(parseVerifyRequest(inherited)).toMatchObject({ ok: false });
    const polluted = JSON.parse('{"key": "kd_x", "project": "default", "__proto__": {"ip": "10.0.0.1"}}') as Record<string, unknown>;
    expect(parseVerifyRequest(polluted)).toMatchObject({ ok: true, request: { ip: undefined } });
  });
});
