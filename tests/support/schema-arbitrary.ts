// fast-check arbitraries from the OpenAPI document's JSON Schemas, as Schemathesis draws requests:
// mostly values the schema allows (so requests get past validation and reach the services), and
// now and then a value that breaks it (a wrong type, a null, an unknown field) so that refusals
// are exercised too. Covers the subset of JSON Schema the document uses.
import fc from "fast-check";

type Schema = Record<string, unknown>;

const junk = fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 1e6 }), fc.boolean(), fc.constant([]), fc.constant({}));

export function schemaArbitrary(schema: Schema, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: validish(schema, components, depth) }, { weight: 1, arbitrary: junk });
}

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  const ref = schema.$ref;
  return typeof ref === "string" ? resolve(components[ref.split("/").pop()!] ?? {}, components) : schema;
}

function validish(raw: Schema, components: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(raw, components);
  if (depth > 4) return junk;
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validish(s, components, depth + 1)));
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t: string) => validish({ ...schema, type: t }, components, depth)));
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -10;
      const max = typeof schema.maximum === "number" ? schema.maximum : 1e6;
      const inRange = fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) });
      // The edges and just beyond them are where off-by-one bugs live.
      return fc.oneof({ weight: 4, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, min, max) });
    }
    case "string": {
      if (schema.format === "date-time") return fc.date({ min: new Date(2020, 0, 1), max: new Date(2035, 0, 1), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 200);
      const maxLength = typeof schema.maxLength === "number" ? Math.min(schema.maxLength + 1, 80) : 40;
      return fc.string({ minLength: 0, maxLength, unit: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(..."abcxyz019-_/. ") }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: "binary" }) }) });
    }
    case "array": {
      const items = (schema.items as Schema | undefined) ?? {};
      const maxLength = typeof schema.maxItems === "number" ? Math.min(schema.maxItems, 3) : 3;
      return fc.array(validish(items, components, depth + 1), { maxLength });
    }
    case "object": {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = (schema.required as string[] | undefined) ?? [];
      const fields = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, schemaArbitrary(s, components, depth + 1)]));
      const record = fc.record(fields, { requiredKeys: required.filter((name) => name in fields) });
      if (Object.keys(properties).length === 0) return fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 });
      return fc.tuple(record, fc.option(fc.string({ minLength: 1, maxLength: 6 }), { freq: 8 })).map(([value, extra]) => (extra ? { ...value, [extra]: 1 } : value));
    }
    default:
      return junk;
  }
}
