// Drift check between prisma/schema.prisma and a live database. Migrations are hand-written SQL
// (the Prisma schema engine is unavailable here), so nothing else guarantees that the database
// Prisma Client talks to matches what it was generated for. compareSchema is pure, so a test can
// prove it catches drift by feeding it a deliberately broken database.
import type { getDMMF } from "@prisma/internals";
import type pg from "pg";

export type Dmmf = Awaited<ReturnType<typeof getDMMF>>;
type Model = Dmmf["datamodel"]["models"][number];
type Field = Model["fields"][number];

export interface LiveColumn {
  name: string;
  /** information_schema's data_type, e.g. "text", "timestamp with time zone", "ARRAY", "USER-DEFINED". */
  dataType: string;
  /** pg_type name, e.g. "text", "timestamptz", "_text" (array of text), "Role". */
  udtName: string;
  nullable: boolean;
  default: string | null;
  datetimePrecision: number | null;
  /** GENERATED ALWAYS … STORED: written by the database, which Prisma's schema cannot declare. */
  generated: boolean;
}

export interface LiveIndex {
  name: string;
  /** Key columns in index order; expression columns are absent (see `expression`). */
  columns: string[];
  unique: boolean;
  primary: boolean;
  method: string;
  partial: boolean;
  expression: boolean;
}

/** Referential actions use Prisma's spelling: Cascade, Restrict, NoAction, SetNull, SetDefault. */
export interface LiveForeignKey {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface LiveTable {
  columns: LiveColumn[];
  indexes: LiveIndex[];
  foreignKeys: LiveForeignKey[];
}

export interface LiveSchema {
  tables: Record<string, LiveTable>;
  enums: Record<string, string[]>;
}

const ACTIONS: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

/** Reads tables, columns, indexes, foreign keys and enums of the connection's current schema. */
export async function loadLiveSchema(client: pg.Client): Promise<LiveSchema> {
  const tables: Record<string, LiveTable> = {};
  const table = (name: string): LiveTable => (tables[name] ??= { columns: [], indexes: [], foreignKeys: [] });

  const tableRows = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  for (const row of tableRows.rows) table(row.table_name);

  const columns = await client.query<{
    table_name: string; column_name: string; data_type: string; udt_name: string;
    nullable: boolean; column_default: string | null; datetime_precision: number | null; generated: boolean;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable = 'YES' AS nullable,
            c.column_default, c.datetime_precision, c.is_generated = 'ALWAYS' AS generated
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  for (const row of columns.rows) {
    table(row.table_name).columns.push({
      name: row.column_name, dataType: row.data_type, udtName: row.udt_name, nullable: row.nullable,
      default: row.column_default, datetimePrecision: row.datetime_precision, generated: row.generated,
    });
  }

  const indexes = await client.query<{
    table_name: string; name: string; columns: string[]; unique: boolean; primary: boolean;
    method: string; partial: boolean; expression: boolean;
  }>(
    `SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
            am.amname AS method, ix.indpred IS NOT NULL AS partial, ix.indexprs IS NOT NULL AS expression,
            ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                   WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord)::text[] AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = i.relam
      WHERE n.nspname = current_schema()`,
  );
  for (const { table_name, ...index } of indexes.rows) table(table_name).indexes.push(index);

  const foreignKeys = await client.query<{
    table_name: string; name: string; columns: string[]; ref_table: string; ref_columns: string[];
    confdeltype: string; confupdtype: string;
  }>(
    `SELECT cl.relname AS table_name, con.conname AS name, ref.relname AS ref_table, con.confdeltype, con.confupdtype,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns
       FROM pg_constraint con
       JOIN pg_class cl ON cl.oid = con.conrelid
       JOIN pg_class ref ON ref.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE con.contype = 'f' AND n.nspname = current_schema()`,
  );
  for (const row of foreignKeys.rows) {
    table(row.table_name).foreignKeys.push({
      name: row.name, columns: row.columns, refTable: row.ref_table, refColumns: row.ref_columns,
      onDelete: ACTIONS[row.confdeltype] ?? row.confdeltype, onUpdate: ACTIONS[row.confupdtype] ?? row.confupdtype,
    });
  }

  const enums = await client.query<{ name: string; values: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t
       JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema()
      GROUP BY t.typname`,
  );
  return { tables, enums: Object.fromEntries(enums.rows.map((row) => [row.name, row.values])) };
}

/**
 * Tables Prisma itself ignores when diffing, and @@ignore'd models (absent from the DMMF):
 * RequestEvent is partitioned, which Prisma cannot model; tests/request-trail-schema.test.ts
 * checks its shape instead.
 */
const IGNORED_TABLES = new Set(["_prisma_migrations", "RequestEvent"]);
/** Prisma truncates longer generated names; we only check names that need no truncation. */
const MAX_IDENTIFIER = 63;

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const list = (names: readonly string[]) => names.join(", ");

/** The pg_type name Prisma's PostgreSQL connector uses for a scalar field (without the list `_`). */
function expectedUdt(field: Field, enumDbNames: Map<string, string>): string {
  if (field.kind === "enum") return enumDbNames.get(field.type) ?? field.type;
  const native = field.nativeType?.[0];
  switch (field.type) {
    case "String":
      return ({ Uuid: "uuid", VarChar: "varchar", Char: "bpchar", Citext: "citext", Xml: "xml", Inet: "inet", Bit: "bit", VarBit: "varbit" } as Record<string, string>)[native ?? ""] ?? "text";
    case "Int":
      return native === "SmallInt" ? "int2" : native === "Oid" ? "oid" : "int4";
    case "BigInt":
      return "int8";
    case "Boolean":
      return "bool";
    case "Float":
      return native === "Real" ? "float4" : "float8";
    case "Decimal":
      return native === "Money" ? "money" : "numeric";
    case "DateTime":
      // Without a native type Prisma uses TIMESTAMP(3), i.e. *without* time zone.
      return ({ Timestamptz: "timestamptz", Date: "date", Time: "time", Timetz: "timetz" } as Record<string, string>)[native ?? ""] ?? "timestamp";
    case "Json":
      return native === "Json" ? "json" : "jsonb";
    case "Bytes":
      return "bytea";
    default:
      return `<unsupported ${field.type}>`;
  }
}

/** A column default as Prisma would compare it: casts and quotes removed, e.g. 'viewer'::"Role" → viewer. */
function literal(sqlDefault: string): string {
  let value = sqlDefault.trim();
  for (let prev = ""; prev !== value; ) {
    prev = value;
    value = value.replace(/::(?:"[^"]+"|[a-z_ ]+)(?:\[\])?$/i, "").replace(/^\((.*)\)$/, "$1");
  }
  return /^'.*'$/s.test(value) ? value.slice(1, -1).replaceAll("''", "'") : value;
}

type SchemaDefault = NonNullable<Field["default"]>;
type FunctionDefault = Extract<SchemaDefault, { name: string }>;
const isFunction = (d: SchemaDefault): d is FunctionDefault => typeof d === "object" && !Array.isArray(d);
/** Defaults Prisma Client fills in itself; the column has none. */
const CLIENT_SIDE = ["uuid", "cuid", "nanoid", "ulid"];

function defaultProblem(field: Field, live: string | null): string | null {
  const expected = field.default;
  if (expected === undefined || (isFunction(expected) && CLIENT_SIDE.includes(expected.name))) {
    return live === null ? null : `has a default (${live}) that the schema does not declare`;
  }
  if (live === null) return `has no default, but the schema declares one (${JSON.stringify(expected)})`;
  if (isFunction(expected)) {
    const ok =
      expected.name === "autoincrement" ? /^nextval\(/.test(live)
      : expected.name === "now" ? /^(CURRENT_TIMESTAMP|now\(\))/i.test(live)
      : expected.name === "dbgenerated" ? live === String(expected.args[0])
      : true; // other functions (e.g. sequence()) are not used by Keydesk; presence is enough
    return ok ? null : `default ${live} does not match @default(${expected.name}(${expected.args.join(", ")}))`;
  }
  if (typeof expected === "object") {
    // A list default; Keydesk only uses the empty list.
    return expected.length === 0 && !/^(ARRAY\[\]|'\{\}')/.test(live) ? `default ${live} is not an empty array` : null;
  }
  return literal(live) === String(expected) ? null : `default ${live} does not match @default(${JSON.stringify(expected)})`;
}

/** Everything in which `live` differs from the Prisma schema, one readable line per problem. */
export function compareSchema(dmmf: Dmmf, live: LiveSchema): string[] {
  const problems: string[] = [];
  const { models, enums, indexes } = dmmf.datamodel;
  const enumDbNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: Model, fieldName: string) => model.fields.find((f) => f.name === fieldName)?.dbName ?? fieldName;

  for (const model of models) {
    const tableName = tableOf.get(model.name) ?? model.name;
    const table = live.tables[tableName];
    if (!table) {
      problems.push(`${model.name}: table "${tableName}" is missing`);
      continue;
    }

    // Columns.
    const scalars = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    for (const field of scalars) {
      const where = `${model.name}.${field.name}`;
      const column = table.columns.find((c) => c.name === (field.dbName ?? field.name));
      if (!column) {
        problems.push(`${where}: column "${field.dbName ?? field.name}" is missing from "${tableName}"`);
        continue;
      }
      const udt = expectedUdt(field, enumDbNames);
      const wantUdt = field.isList ? `_${udt}` : udt;
      if (column.udtName !== wantUdt || (field.isList && column.dataType !== "ARRAY")) {
        problems.push(`${where}: type is ${column.dataType} (${column.udtName}), expected ${field.isList ? "ARRAY of " : ""}${udt}`);
      }
      if (["timestamp", "timestamptz", "time", "timetz"].includes(udt) && !field.isList) {
        const precision = Number(field.nativeType?.[1][0] ?? 3); // Prisma's default precision is 3
        if (column.datetimePrecision !== precision) problems.push(`${where}: precision is ${column.datetimePrecision}, expected ${precision}`);
      }
      // Prisma creates scalar-list columns nullable (lists cannot be optional in the schema).
      const nullable = field.isList || !field.isRequired;
      if (column.nullable !== nullable) problems.push(`${where}: column is ${column.nullable ? "NULL" : "NOT NULL"}, expected ${nullable ? "NULL" : "NOT NULL"}`);
      const wrongDefault = defaultProblem(field, column.default);
      if (wrongDefault) problems.push(`${where}: ${wrongDefault}`);
    }
    const known = new Set(scalars.map((f) => f.dbName ?? f.name));
    for (const column of table.columns) {
      // A generated column is the database's own (the schema lists it with @ignore, which keeps
      // it out of Prisma Client and therefore out of the DMMF).
      if (!known.has(column.name) && !column.generated) problems.push(`${model.name}: column "${tableName}"."${column.name}" is not in the schema`);
    }

    // Primary key.
    const pkFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    const pkColumns = pkFields.map((f) => columnOf(model, f));
    const pk = table.indexes.find((i) => i.primary);
    if (!pk) problems.push(`${model.name}: primary key (${list(pkColumns)}) is missing`);
    else if (!sameList(pk.columns, pkColumns)) problems.push(`${model.name}: primary key is (${list(pk.columns)}), expected (${list(pkColumns)})`);
    else if (pk.name !== `${tableName}_pkey` && !model.primaryKey?.name) problems.push(`${model.name}: primary key is named "${pk.name}", expected "${tableName}_pkey"`);

    // @unique, @@unique and @@index.
    for (const index of indexes.filter((i) => i.model === model.name && (i.type === "unique" || i.type === "normal"))) {
      const columns = index.fields.map((f) => columnOf(model, f.name));
      const unique = index.type === "unique";
      const label = `${model.name}: ${unique ? "unique index" : "index"} on (${list(columns)})`;
      const match = table.indexes.find(
        (i) => !i.primary && i.unique === unique && i.method === "btree" && !i.partial && !i.expression && sameList(i.columns, columns),
      );
      if (!match) {
        problems.push(`${label} is missing`);
        continue;
      }
      const name = index.dbName ?? `${tableName}_${columns.join("_")}_${unique ? "key" : "idx"}`;
      if (name.length <= MAX_IDENTIFIER && match.name !== name) problems.push(`${label} is named "${match.name}", expected "${name}"`);
    }

    // Foreign keys, both ways: every relation has its FK, and no FK exists the schema lacks.
    const matched = new Set<string>();
    for (const relation of model.fields.filter((f) => f.kind === "object" && f.relationFromFields?.length)) {
      const target = models.find((m) => m.name === relation.type);
      const from = (relation.relationFromFields ?? []).map((f) => columnOf(model, f));
      const to = (relation.relationToFields ?? []).map((f) => (target ? columnOf(target, f) : f));
      const refTable = tableOf.get(relation.type) ?? relation.type;
      const label = `${model.name}.${relation.name}: foreign key (${list(from)}) → "${refTable}"(${list(to)})`;
      const fk = table.foreignKeys.find((k) => sameList(k.columns, from) && k.refTable === refTable);
      if (!fk) {
        problems.push(`${label} is missing`);
        continue;
      }
      matched.add(fk.name);
      const required = (relation.relationFromFields ?? []).every((f) => model.fields.find((x) => x.name === f)?.isRequired);
      // Prisma's defaults when the schema names no action.
      const onDelete = relation.relationOnDelete ?? (required ? "Restrict" : "SetNull");
      const onUpdate = relation.relationOnUpdate ?? "Cascade";
      if (!sameList(fk.refColumns, to)) problems.push(`${label} references (${list(fk.refColumns)})`);
      if (fk.onDelete !== onDelete) problems.push(`${label} has ON DELETE ${fk.onDelete}, expected ${onDelete}`);
      if (fk.onUpdate !== onUpdate) problems.push(`${label} has ON UPDATE ${fk.onUpdate}, expected ${onUpdate}`);
      const name = `${tableName}_${from.join("_")}_fkey`;
      if (name.length <= MAX_IDENTIFIER && fk.name !== name) problems.push(`${label} is named "${fk.name}", expected "${name}"`);
    }
    for (const fk of table.foreignKeys) {
      if (!matched.has(fk.name)) problems.push(`${model.name}: foreign key "${fk.name}" (${list(fk.columns)}) → "${fk.refTable}" is not in the schema`);
    }
  }

  const modelTables = new Set(tableOf.values());
  for (const name of Object.keys(live.tables)) {
    if (!modelTables.has(name) && !IGNORED_TABLES.has(name)) problems.push(`table "${name}" is not in the schema`);
  }

  for (const e of enums) {
    const dbName = e.dbName ?? e.name;
    const values = e.values.map((v) => v.dbName ?? v.name);
    const liveValues = live.enums[dbName];
    if (!liveValues) problems.push(`enum ${e.name}: type "${dbName}" is missing`);
    else if (!sameList(liveValues, values)) problems.push(`enum ${e.name}: values are (${list(liveValues)}), expected (${list(values)})`);
  }
  const enumTypes = new Set(enumDbNames.values());
  for (const name of Object.keys(live.enums)) {
    if (!enumTypes.has(name)) problems.push(`enum type "${name}" is not in the schema`);
  }
  return problems;
}
