// Hostile values for property-based tests (fast-check): what has broken real systems — huge
// strings, every Unicode plane, NUL and control characters, prototype keys, wrong types, arrays
// where objects belong, and dates far in the past and future.
import fc from "fast-check";

/** Values that have broken real systems: huge, every plane, NUL/controls, prototypes, wrong types. */
export const hostileString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom("", " ", "\u0000", "\u0000name", "a\u0007b", "\u202e\u2066", "../../etc/passwd", "%2F..%2F", "' OR 1=1 --", "<script>alert(1)</script>", "𝕂𝕖𝕪𝕤🔑", "\uFEFF", "__proto__", "constructor"),
  fc.integer({ min: 65, max: 200_000 }).map((n) => "x".repeat(n)),
);
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(hostileString, { maxLength: 3 }),
  fc.constant({ __proto__: { isAdmin: true } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')),
  fc.date({ min: new Date(-8_640_000_000_000_000), max: new Date(8_640_000_000_000_000), noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString())),
  fc.constantFrom("0001-01-01", "9999-12-31", "2020-02-30", "1970-01-01T00:00:00Z", "tomorrow"),
);
export const hostileConstraints = fc.oneof(
  hostileValue,
  fc.array(fc.record({ type: fc.oneof(fc.constantFrom("exact", "prefix", "regex", "verb"), hostileString), value: hostileValue, methods: fc.oneof(fc.array(fc.oneof(fc.constantFrom("GET", "get", "TRACE"), hostileString), { maxLength: 4 }), hostileValue) }, { requiredKeys: [] }), { maxLength: 25 }),
  hostileString.map((s) => `[{${s}`),
);

/** Form-like objects: the field names the services expect mixed with prototype keys and junk. */
export const hostileRecord: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(
    fc.oneof(
      fc.constantFrom("name", "email", "role", "method", "password", "confirmPassword", "currentPassword", "token", "slug", "keyPrefix"),
      fc.constantFrom("description", "activeKeyLimit", "maxLifetimeDays", "allowNoExpiry", "projectId", "userId", "__proto__", "constructor"),
      hostileString,
    ),
    hostileValue,
    { maxKeys: 8 },
  ),
  hostileValue,
);
