import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  bulkRevokeApiKeysSchema,
  constraintSchema,
  constraintsSchema,
  createApiKeySchema,
  customDateBounds,
  graceToMs,
  keyDescriptionSchema,
  keyIdWhere,
  keyNameSchema,
  parseConstraintsField,
  parseExpiryDate,
  resolveExpiry,
  revokeApiKeySchema,
  rollApiKeySchema,
  updateApiKeySchema,
  type ExpiryPolicy,
} from "./api-key";

function messages(result: z.ZodSafeParseResult<unknown>): string[] {
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

function issuesByPath(result: z.ZodSafeParseResult<unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (!result.success) {
    for (const issue of result.error.issues) out[issue.path.join(".")] ??= issue.message;
  }
  return out;
}

const PROJECT_ID = "3f0c2a4e-9b1d-4c7e-8a5f-2d6b9e1c0a7f";
const PUBLIC_ID = "key_4fT9aB0cD1eF2gH3";

describe("keyNameSchema", () => {
  it("trims and accepts ordinary names", () => {
    expect(keyNameSchema.parse("  CI deploy key  ")).toBe("CI deploy key");
    expect(keyNameSchema.parse("x".repeat(64))).toBe("x".repeat(64));
    expect(keyNameSchema.parse(` ${"x".repeat(64)} `)).toHaveLength(64);
  });

  it.each<[unknown, string]>([
    [undefined, "Name is required"],
    ["", "Name is required"],
    ["   ", "Name is required"],
    ["x".repeat(65), "Name must be at most 64 characters"],
    ["a\u0000b", "Name must not contain control characters"],
    ["a\nb", "Name must not contain control characters"],
    ["a\tb", "Name must not contain control characters"],
    ["a\u007fb", "Name must not contain control characters"],
    ["a\u0085b", "Name must not contain control characters"],
    [42, "Name must be text"],
  ])("%j → %s", (input, message) => {
    expect(messages(keyNameSchema.safeParse(input))).toEqual([message]);
  });
});

describe("keyDescriptionSchema", () => {
  it("defaults to empty and trims", () => {
    expect(keyDescriptionSchema.parse(undefined)).toBe("");
    expect(keyDescriptionSchema.parse(null)).toBe("");
    expect(keyDescriptionSchema.parse("")).toBe("");
    expect(keyDescriptionSchema.parse("  Used by CI  ")).toBe("Used by CI");
  });

  it("allows newlines and tabs, normalizing CRLF", () => {
    expect(keyDescriptionSchema.parse("line 1\r\nline 2\n\tindented")).toBe("line 1\nline 2\n\tindented");
  });

  it("counts normalized line breaks against the limit", () => {
    const text = `${"x".repeat(249)}\r\n${"y".repeat(250)}`;
    expect(keyDescriptionSchema.parse(text)).toHaveLength(500);
    expect(messages(keyDescriptionSchema.safeParse("x".repeat(501)))).toEqual([
      "Description must be at most 500 characters",
    ]);
  });

  it("refuses other control characters", () => {
    for (const input of ["a\u0000b", "a\u001bb", "a\u007fb", "a\u000bb"]) {
      expect(messages(keyDescriptionSchema.safeParse(input))).toEqual([
        "Description must not contain control characters other than line breaks and tabs",
      ]);
    }
  });
});

describe("parseExpiryDate", () => {
  it.each([
    ["2030-01-15", "2030-01-15T23:59:59.999Z"],
    [" 2030-01-15 ", "2030-01-15T23:59:59.999Z"],
    ["2028-02-29", "2028-02-29T23:59:59.999Z"],
    ["2030-01-15T10:00Z", "2030-01-15T10:00:00.000Z"],
    ["2030-01-15T10:00:30.5Z", "2030-01-15T10:00:30.500Z"],
    ["2030-01-15T10:00:30.123456Z", "2030-01-15T10:00:30.123Z"],
    ["2030-01-15T10:00:00+02:00", "2030-01-15T08:00:00.000Z"],
    ["2030-01-15T23:30:00-05:30", "2030-01-16T05:00:00.000Z"],
  ])("%s → %s", (input, iso) => {
    expect(parseExpiryDate(input)?.toISOString()).toBe(iso);
  });

  it.each([
    "",
    "tomorrow",
    "2030-02-30",
    "2029-02-29",
    "2030-13-01",
    "2030-1-5",
    "2030-01-15T10:00",
    "2030-01-15T24:00Z",
    "2030-01-15T10:60Z",
    "2030-01-15 10:00Z",
    "2030-01-15T10:00+25:00",
    "1700000000000",
  ])("%j → null", (input) => {
    expect(parseExpiryDate(input)).toBeNull();
  });
});

describe("resolveExpiry", () => {
  const now = new Date("2030-01-10T12:00:00.000Z");
  const open: ExpiryPolicy = { maxLifetimeDays: null, allowNoExpiry: true };
  const strict: ExpiryPolicy = { maxLifetimeDays: 30, allowNoExpiry: false };

  it.each([
    ["7d", "2030-01-17T12:00:00.000Z"],
    ["30d", "2030-02-09T12:00:00.000Z"],
    ["90d", "2030-04-10T12:00:00.000Z"],
    ["1y", "2031-01-10T12:00:00.000Z"],
  ] as const)("preset %s is relative to now", (preset, iso) => {
    expect(resolveExpiry({ preset }, now, open)).toEqual({ ok: true, expiresAt: new Date(iso) });
  });

  it("allows never under an open policy", () => {
    expect(resolveExpiry({ preset: "never" }, now, open)).toEqual({ ok: true, expiresAt: null });
  });

  it("refuses never when the project forbids it or sets a maximum lifetime", () => {
    expect(resolveExpiry({ preset: "never" }, now, { maxLifetimeDays: null, allowNoExpiry: false })).toEqual({
      ok: false,
      field: "expiry",
      message: "This project requires keys to have an expiry date",
    });
    expect(resolveExpiry({ preset: "never" }, now, { maxLifetimeDays: 90, allowNoExpiry: true })).toEqual({
      ok: false,
      field: "expiry",
      message: "This project requires keys to expire within 90 days",
    });
  });

  it("refuses presets longer than the project limit, naming it", () => {
    expect(resolveExpiry({ preset: "30d" }, now, strict).ok).toBe(true);
    expect(resolveExpiry({ preset: "90d" }, now, strict)).toEqual({
      ok: false,
      field: "expiry",
      message: "This project allows keys to live at most 30 days; choose a shorter expiry",
    });
    expect(resolveExpiry({ preset: "1y" }, now, { maxLifetimeDays: 365, allowNoExpiry: false }).ok).toBe(true);
    expect(resolveExpiry({ preset: "7d" }, now, { maxLifetimeDays: 1, allowNoExpiry: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining("at most 1 day;"),
    });
  });

  it("takes a custom date as the end of that UTC day", () => {
    expect(resolveExpiry({ preset: "custom", customDate: "2030-01-20" }, now, open)).toEqual({
      ok: true,
      expiresAt: new Date("2030-01-20T23:59:59.999Z"),
    });
    expect(resolveExpiry({ preset: "custom", customDate: "2030-01-10" }, now, open)).toEqual({
      ok: true,
      expiresAt: new Date("2030-01-10T23:59:59.999Z"),
    });
  });

  it("takes a custom ISO date-time", () => {
    expect(resolveExpiry({ preset: "custom", customDate: "2030-01-10T13:00:00Z" }, now, open)).toEqual({
      ok: true,
      expiresAt: new Date("2030-01-10T13:00:00Z"),
    });
  });

  it.each([
    [undefined, "Choose an expiry date"],
    ["  ", "Choose an expiry date"],
    ["next week", "Enter a date as YYYY-MM-DD or an ISO date-time with a time zone"],
    ["2030-02-31", "Enter a date as YYYY-MM-DD or an ISO date-time with a time zone"],
    ["2030-01-09", "Expiry date must be in the future"],
    ["2030-01-10T12:00:00Z", "Expiry date must be in the future"],
    ["2020-01-01T00:00:00Z", "Expiry date must be in the future"],
  ])("custom %j → %s", (customDate, message) => {
    const input = customDate === undefined ? { preset: "custom" as const } : { preset: "custom" as const, customDate };
    expect(resolveExpiry(input, now, open)).toEqual({ ok: false, field: "customDate", message });
  });

  it("refuses custom dates beyond the project limit", () => {
    expect(resolveExpiry({ preset: "custom", customDate: "2030-02-09T12:00:00Z" }, now, strict).ok).toBe(true);
    expect(resolveExpiry({ preset: "custom", customDate: "2030-02-09T12:00:00.001Z" }, now, strict)).toEqual({
      ok: false,
      field: "customDate",
      message: "Expiry date must be within 30 days from now (project limit)",
    });
    // The end of the 30th day lies past the limit unless it is exactly midnight now.
    expect(resolveExpiry({ preset: "custom", customDate: "2030-02-09" }, now, strict).ok).toBe(false);
    expect(resolveExpiry({ preset: "custom", customDate: "2030-02-08" }, now, strict).ok).toBe(true);
  });

  it("agrees with customDateBounds", () => {
    const policies: ExpiryPolicy[] = [strict, { maxLifetimeDays: 1, allowNoExpiry: true }];
    const instants = ["2030-01-10T12:00:00.000Z", "2030-01-10T00:00:00.000Z", "2030-01-10T23:59:59.999Z"];
    for (const instant of instants) {
      const at = new Date(instant);
      for (const policy of policies) {
        const { min, max } = customDateBounds(at, policy);
        if (max === null) throw new Error("expected a max");
        expect(resolveExpiry({ preset: "custom", customDate: min }, at, policy).ok).toBe(min <= max);
        expect(resolveExpiry({ preset: "custom", customDate: max }, at, policy).ok).toBe(true);
        const dayAfterMax = new Date(Date.parse(max) + 86_400_000).toISOString().slice(0, 10);
        expect(resolveExpiry({ preset: "custom", customDate: dayAfterMax }, at, policy).ok).toBe(false);
        const dayBeforeMin = new Date(Date.parse(min) - 86_400_000).toISOString().slice(0, 10);
        expect(resolveExpiry({ preset: "custom", customDate: dayBeforeMin }, at, policy).ok).toBe(false);
      }
    }
    expect(customDateBounds(now, open)).toEqual({ min: "2030-01-10", max: null });
  });
});

describe("constraintSchema", () => {
  it("normalizes path constraints and methods", () => {
    expect(constraintSchema.parse({ type: "exact", value: " jobs/ ", methods: ["post", "GET", "get"] })).toEqual({
      type: "exact",
      value: "/jobs",
      methods: ["GET", "POST"],
    });
    expect(constraintSchema.parse({ type: "prefix", value: "/v1/jobs/%7Bid%7D;x=1:@!$&'()*+,=~" })).toEqual({
      type: "prefix",
      value: "/v1/jobs/%7Bid%7D;x=1:@!$&'()*+,=~",
      methods: [],
    });
    expect(constraintSchema.parse({ type: "prefix", value: "/" })).toMatchObject({ value: "/" });
  });

  it("keeps ip rules in canonical form without methods", () => {
    expect(constraintSchema.parse({ type: "ip", value: " 10.0.0.0/8 " })).toEqual({ type: "ip", value: "10.0.0.0/8", methods: [] });
    expect(constraintSchema.parse({ type: "ip", value: "::ffff:192.0.2.0/120", methods: [] })).toEqual({ type: "ip", value: "192.0.2.0/24", methods: [] });
    expect(constraintSchema.parse({ type: "ip", value: "2001:DB8::1/128" })).toEqual({ type: "ip", value: "2001:db8::1", methods: [] });
  });

  it("keeps regex text and empties verb values", () => {
    expect(constraintSchema.parse({ type: "regex", value: "/jobs/[0-9]+", methods: [] })).toEqual({
      type: "regex",
      value: "/jobs/[0-9]+",
      methods: [],
    });
    expect(constraintSchema.parse({ type: "verb", value: "whatever", methods: ["get"] })).toEqual({
      type: "verb",
      value: "",
      methods: ["GET"],
    });
    expect(constraintSchema.parse({ type: "verb", methods: ["HEAD"] })).toEqual({
      type: "verb",
      value: "",
      methods: ["HEAD"],
    });
  });

  it.each<[unknown, Record<string, string>]>([
    [{ type: "exact", value: "" }, { value: "Path is required" }],
    [{ type: "prefix" }, { value: "Path is required" }],
    [{ type: "exact", value: `/${"a".repeat(512)}` }, { value: "Path must be at most 512 characters" }],
    [{ type: "exact", value: "/my jobs" }, { value: "Path must not contain spaces" }],
    [{ type: "exact", value: "/jobs?x=1" }, { value: expect.stringContaining("Path may only contain") }],
    [{ type: "exact", value: "/jobs#x" }, { value: expect.stringContaining("Path may only contain") }],
    [{ type: "exact", value: "/a\\b" }, { value: expect.stringContaining("Path may only contain") }],
    [{ type: "exact", value: "/a%zz" }, { value: expect.stringContaining("Path may only contain") }],
    [{ type: "exact", value: "/jobs/\u0000" }, { value: expect.stringContaining("Path may only contain") }],
    [{ type: "prefix", value: "/jobs/../admin" }, { value: expect.stringContaining(". or .. segments") }],
    [{ type: "prefix", value: "/a%2Fb" }, { value: expect.stringContaining("encoded slashes") }],
    [{ type: "regex", value: "" }, { value: "Pattern is required" }],
    [{ type: "regex", value: "a".repeat(513) }, { value: "Pattern must be at most 512 characters" }],
    [{ type: "regex", value: "/jobs/(" }, { value: expect.stringMatching(/^Invalid regular expression: .*missing closing \)/) }],
    [{ type: "regex", value: "(?=look)ahead" }, { value: expect.stringContaining("Invalid regular expression") }],
    [{ type: "verb", value: "" }, { methods: "Choose at least one HTTP method" }],
    [{ type: "verb", methods: [] }, { methods: "Choose at least one HTTP method" }],
    [{ type: "verb", methods: ["FETCH"] }, { "methods.0": expect.stringContaining('Unknown HTTP method "FETCH"') }],
    [{ type: "exact", value: "/a", methods: "GET" }, { methods: "Methods must be a list" }],
    [{ type: "glob", value: "/a" }, { type: "Constraint type must be exact, prefix, regex, verb or ip" }],
    ["exact:/a", { "": "Each constraint must be an object" }],
    [{ type: "ip", value: "" }, { value: expect.stringContaining("Enter an IP address or a CIDR range") }],
    [{ type: "ip", value: "10.1.2.3/8" }, { value: expect.stringContaining("write the network, 10.0.0.0/8") }],
    [{ type: "ip", value: "10.0.0.0/33" }, { value: expect.stringContaining("from 0 to 32") }],
    [{ type: "ip", value: "010.0.0.1" }, { value: expect.stringContaining("is not an IP address") }],
    [{ type: "ip", value: "10.0.0.0/8", methods: ["GET"] }, { methods: expect.stringContaining("An IP rule applies to every method") }],
    [{ type: "ip", value: `${"1".repeat(600)}` }, { value: "Address must be at most 512 characters" }],
    [{ type: "regex", value: "/a\ud800" }, { value: "Pattern contains an invalid character (a broken emoji or symbol). Retype it and try again." }],
    [{ type: "regex", value: "/a\udc00" }, { value: "Pattern contains an invalid character (a broken emoji or symbol). Retype it and try again." }],
  ])("%j is refused", (input, expected) => {
    expect(issuesByPath(constraintSchema.safeParse(input))).toEqual(expected);
  });

  it("caps the number of constraints at 20", () => {
    const one = { type: "verb", methods: ["GET"] };
    expect(constraintsSchema.safeParse(Array.from({ length: 20 }, () => one)).success).toBe(true);
    expect(messages(constraintsSchema.safeParse(Array.from({ length: 21 }, () => one)))).toEqual([
      "A key can have at most 20 constraints",
    ]);
  });
});

describe("parseConstraintsField", () => {
  it("accepts arrays, JSON strings and missing values", () => {
    const expected = [{ type: "exact", value: "/jobs", methods: ["GET"] }];
    expect(parseConstraintsField([{ type: "exact", value: "jobs", methods: ["get"] }])).toEqual({
      success: true,
      data: expected,
    });
    expect(parseConstraintsField('[{"type":"exact","value":"jobs","methods":["get"]}]')).toEqual({
      success: true,
      data: expected,
    });
    for (const empty of [undefined, null, "", "  ", "[]"]) {
      expect(parseConstraintsField(empty)).toEqual({ success: true, data: [] });
    }
  });

  it("reports malformed JSON as one clear issue", () => {
    for (const raw of ["[{", "not json", "[{'type':'exact'}]"]) {
      expect(messages(parseConstraintsField(raw))).toEqual(["Constraints are malformed"]);
    }
  });

  it("reports well-formed JSON of the wrong shape", () => {
    expect(messages(parseConstraintsField('{"type":"exact"}'))).toEqual(["Constraints must be a list"]);
    expect(messages(parseConstraintsField("42"))).toEqual(["Constraints must be a list"]);
  });

  it("refuses oversized input before parsing", () => {
    expect(messages(parseConstraintsField(`[${" ".repeat(70_000)}]`))).toEqual(["Constraints are too large"]);
  });
});

describe("createApiKeySchema", () => {
  const base = { projectId: PROJECT_ID, name: "CI", expiry: "30d" };

  it("parses FormData-style input", () => {
    const form = new FormData();
    form.set("projectId", PROJECT_ID);
    form.set("name", "  Deploy bot ");
    form.set("description", "");
    form.set("expiry", "custom");
    form.set("customDate", "2031-05-01");
    form.set("constraints", JSON.stringify([{ type: "prefix", value: "jobs", methods: [] }]));
    expect(createApiKeySchema.parse(Object.fromEntries(form))).toEqual({
      projectId: PROJECT_ID,
      name: "Deploy bot",
      description: "",
      expiry: "custom",
      customDate: "2031-05-01",
      constraints: [{ type: "prefix", value: "/jobs", methods: [] }],
      externalId: null,
      metadata: {},
      canary: false,
    });
  });

  it("parses JSON input with defaults", () => {
    expect(createApiKeySchema.parse(base)).toEqual({
      ...base,
      description: "",
      constraints: [],
      externalId: null,
      metadata: {},
      canary: false,
    });
    expect(
      createApiKeySchema.parse({ ...base, constraints: [{ type: "verb", methods: ["GET"] }] }).constraints,
    ).toEqual([{ type: "verb", value: "", methods: ["GET"] }]);
  });

  it("reports each problem at its field", () => {
    const result = createApiKeySchema.safeParse({
      projectId: "nope",
      name: "",
      description: "x".repeat(501),
      expiry: "2w",
      constraints: "[",
    });
    expect(issuesByPath(result)).toEqual({
      projectId: "Choose a project",
      name: "Name is required",
      description: "Description must be at most 500 characters",
      expiry: "Choose an expiry: 7d, 30d, 90d, 1y, custom or never",
      constraints: "Constraints are malformed",
    });
  });

  it("requires a date for a custom expiry", () => {
    expect(issuesByPath(createApiKeySchema.safeParse({ ...base, expiry: "custom", customDate: "" }))).toEqual({
      customDate: "Choose an expiry date",
    });
  });

  it("locates constraint problems by index", () => {
    const result = createApiKeySchema.safeParse({
      ...base,
      constraints: JSON.stringify([{ type: "exact", value: "/ok" }, { type: "regex", value: "(" }]),
    });
    expect(Object.keys(issuesByPath(result))).toEqual(["constraints.1.value"]);
  });
});

describe("updateApiKeySchema", () => {
  it("accepts partial updates", () => {
    expect(updateApiKeySchema.parse({ name: " New " })).toEqual({ name: "New" });
    expect(updateApiKeySchema.parse({ description: "  d " })).toEqual({ description: "d" });
    expect(updateApiKeySchema.parse({ description: null })).toEqual({ description: "" });
    expect(updateApiKeySchema.parse({ name: "n", description: "" })).toEqual({ name: "n", description: "" });
  });

  it("refuses empty updates and invalid fields", () => {
    expect(messages(updateApiKeySchema.safeParse({}))).toEqual([
      "Nothing to update: send name, description, enabled, externalId, metadata, ratelimits or credits",
    ]);
    expect(messages(updateApiKeySchema.safeParse({ name: "" }))).toEqual(["Name is required"]);
    expect(messages(updateApiKeySchema.safeParse({ name: "a\u0007" }))).toEqual([
      "Name must not contain control characters",
    ]);
  });
});

describe("revokeApiKeySchema and rollApiKeySchema", () => {
  it("accept public ids and UUIDs", () => {
    expect(revokeApiKeySchema.parse({ keyId: PUBLIC_ID })).toEqual({ keyId: PUBLIC_ID, cascade: false });
    expect(revokeApiKeySchema.parse({ keyId: ` ${PROJECT_ID} `, cascade: "true" })).toEqual({ keyId: PROJECT_ID, cascade: true });
    expect(keyIdWhere(PUBLIC_ID)).toEqual({ publicId: PUBLIC_ID });
    expect(keyIdWhere(PROJECT_ID.toUpperCase())).toEqual({ id: PROJECT_ID });
  });

  it("refuse anything else", () => {
    for (const keyId of ["", "key_short", "kd_abc", "'; drop table", 5]) {
      expect(messages(revokeApiKeySchema.safeParse({ keyId }))).toHaveLength(1);
    }
    expect(messages(revokeApiKeySchema.safeParse({}))).toEqual(["Key id is required"]);
  });

  it("rolls with a grace period", () => {
    expect(rollApiKeySchema.parse({ keyId: PUBLIC_ID, grace: "24h" })).toEqual({ keyId: PUBLIC_ID, grace: "24h" });
    expect(issuesByPath(rollApiKeySchema.safeParse({ keyId: PUBLIC_ID, grace: "2h" }))).toEqual({
      grace: "Choose a grace period: now, 1h, 24h or 7d",
    });
  });

  it("converts grace periods to milliseconds", () => {
    expect(graceToMs("now")).toBe(0);
    expect(graceToMs("1h")).toBe(3_600_000);
    expect(graceToMs("24h")).toBe(86_400_000);
    expect(graceToMs("7d")).toBe(604_800_000);
  });
});

describe("key text with unpaired surrogates", () => {
  it("is a field error for names and descriptions, never stored mangled", () => {
    expect(messages(keyNameSchema.safeParse("bot \ud800"))).toEqual(["Name contains an invalid character (a broken emoji or symbol). Retype it and try again."]);
    expect(messages(keyDescriptionSchema.safeParse("note \udfff"))).toEqual([
      "Description contains an invalid character (a broken emoji or symbol). Retype it and try again.",
    ]);
    expect(keyNameSchema.parse("bot 🔑")).toBe("bot 🔑");
  });
});

describe("updateApiKeySchema: enabled, owner and metadata", () => {
  it("accepts each alone, with null clearing owner and metadata", () => {
    expect(updateApiKeySchema.parse({ enabled: false })).toMatchObject({ enabled: false });
    expect(updateApiKeySchema.parse({ externalId: " acme " })).toMatchObject({ externalId: "acme" });
    expect(updateApiKeySchema.parse({ externalId: null })).toMatchObject({ externalId: null });
    expect(updateApiKeySchema.parse({ metadata: { plan: "pro" } })).toMatchObject({ metadata: { plan: "pro" } });
    expect(updateApiKeySchema.parse({ metadata: null })).toMatchObject({ metadata: {} });
    expect(updateApiKeySchema.parse({ name: "a" })).not.toHaveProperty("enabled", expect.anything());
  });

  it("reports bad values at their field", () => {
    expect(issuesByPath(updateApiKeySchema.safeParse({ enabled: "no" }))).toEqual({ enabled: '"enabled" must be true or false' });
    expect(issuesByPath(updateApiKeySchema.safeParse({ metadata: [1] }))).toEqual({ metadata: expect.stringContaining("must be a JSON object") });
    expect(issuesByPath(updateApiKeySchema.safeParse({ metadata: "{" }))).toEqual({ metadata: expect.stringContaining("not valid JSON") });
    expect(issuesByPath(updateApiKeySchema.safeParse({ externalId: "x".repeat(256) }))).toEqual({
      externalId: "Owner must be at most 255 characters",
    });
  });
});

describe("bulkRevokeApiKeysSchema", () => {
  it("takes a list or a form's comma-separated Sids, one to 100 of them", () => {
    expect(bulkRevokeApiKeysSchema.parse({ keyIds: [PUBLIC_ID] })).toEqual({ keyIds: [PUBLIC_ID] });
    expect(bulkRevokeApiKeysSchema.parse({ keyIds: `${PUBLIC_ID},${PROJECT_ID}` })).toEqual({ keyIds: [PUBLIC_ID, PROJECT_ID] });
    expect(messages(bulkRevokeApiKeysSchema.safeParse({ keyIds: [] }))).toEqual(["Choose at least one key to revoke"]);
    expect(messages(bulkRevokeApiKeysSchema.safeParse({ keyIds: "" }))).toEqual(["Choose at least one key to revoke"]);
    expect(messages(bulkRevokeApiKeysSchema.safeParse({ keyIds: Array.from({ length: 101 }, () => PUBLIC_ID) }))).toEqual([
      "Revoke at most 100 keys at once",
    ]);
    expect(messages(bulkRevokeApiKeysSchema.safeParse({ keyIds: [PUBLIC_ID, "nope"] }))).toEqual(["Invalid key id"]);
    expect(messages(bulkRevokeApiKeysSchema.safeParse({}))).toEqual(["Choose the keys to revoke"]);
  });
});
