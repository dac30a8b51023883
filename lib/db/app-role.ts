// The role the running application connects as. Migrations run as the tables' owner; the
// application runs as `keydesk_app`, which may read and write rows but owns nothing, so it cannot
// ALTER a table (disable the audit log's append-only trigger), and on the audit table it has only
// SELECT and INSERT. Privileges come from the migration 20261201000300_app_role (and its default
// privileges for tables added later); docs/database.md explains the model.
import crypto from "node:crypto";
import pg from "pg";

const APP_ROLE = "keydesk_app";

/**
 * A SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's stored form) for `password`. Sent
 * instead of the password itself, so the plain password never reaches the server, where a
 * failed statement would be written to its log with its text. Our passwords are base64url, for
 * which SASLprep (applied by the server to what clients send) changes nothing.
 */
function scramVerifier(password: string, iterations = 4096): string {
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const hmac = (key: Buffer, text: string) => crypto.createHmac("sha256", key).update(text).digest();
  const storedKey = crypto.createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const serverKey = hmac(salted, "Server Key");
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined); // a dropped connection fails the pending query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates (or re-asserts) the application's login role with `password`: no superuser, no
 * CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS. For servers Keydesk administers itself (the
 * embedded one, the test server); `superuserUrl` must be a superuser's. Run it before the
 * migrations, which grant the role its privileges.
 */
export async function ensureAppLogin(superuserUrl: string, password: string): Promise<void> {
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(scramVerifier(password))}`;
  await withClient(superuserUrl, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    if (!rowCount) {
      try {
        await client.query(`CREATE ROLE ${APP_ROLE} ${attributes}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "42710") throw error; // created meanwhile: alter it below
      }
    }
    await client.query(`ALTER ROLE ${APP_ROLE} WITH ${attributes}`);
  });
}

/**
 * As the owner: keydesk_app may only read and add audit events, and may not touch the migration
 * bookkeeping — re-asserted at every start and after every restore, because a database restored
 * from a backup without privileges (every backup made before they were included) gets the
 * owner's default privileges on its re-created tables, UPDATE and DELETE on "AuditEvent"
 * included. False when there is no keydesk_app role to restrict.
 */
export async function reassertAuditPrivileges(ownerUrl: string): Promise<boolean> {
  return withClient(ownerUrl, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    if (!rowCount) return false;
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "AuditEvent" FROM ${APP_ROLE}`);
    await client.query(`REVOKE ALL ON "_prisma_migrations" FROM ${APP_ROLE}`);
    return true;
  });
}

/** As the owner: creates keydesk_app (without LOGIN) if missing and allowed, so a backup's grants to it can be restored. */
export async function ensureAppRoleExists(ownerUrl: string): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    if (rowCount) return;
    await client.query(`CREATE ROLE ${APP_ROLE} NOLOGIN`).catch((error: { code?: string }) => {
      if (error.code !== "42710" && error.code !== "42501") throw error; // exists meanwhile / not allowed: pg_restore will say
    });
  });
}

/** `ownerUrl` with the application role's credentials instead of the owner's. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

export interface AppConnectionReport {
  role: string;
  superuser: boolean;
  /** Member of the audit table's owner: may ALTER it, i.e. disable its append-only trigger. */
  ownsAuditTable: boolean;
  /** Privileges on the audit table beyond SELECT and INSERT. */
  auditExtras: string[];
  canAppendAudit: boolean;
  /** Keydesk tables the role cannot read. */
  unreadable: string[];
}

/** What the connection at `url` may do, as far as the audit log's protection is concerned. */
export async function inspectAppConnection(url: string): Promise<AppConnectionReport> {
  return withClient(url, async (client) => {
    const audit = await client.query<{
      role: string;
      superuser: boolean;
      owns: boolean;
      append: boolean;
      extras: string[];
    }>(`SELECT current_user AS role, r.rolsuper AS superuser,
               pg_has_role(current_user, c.relowner, 'MEMBER') AS owns,
               has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT') AS append,
               ARRAY(SELECT p FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) AS p
                      WHERE has_table_privilege(c.oid, p)) AS extras
          FROM pg_roles r, pg_class c
         WHERE r.rolname = current_user AND c.oid = to_regclass('"AuditEvent"')`);
    const unreadable = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> '_prisma_migrations' AND NOT has_table_privilege(c.oid, 'SELECT')
        ORDER BY 1`,
    );
    const row = audit.rows[0];
    if (!row) throw new Error(`the database at ${redactUrl(url)} has no "AuditEvent" table: were the migrations applied to it?`);
    return {
      role: row.role,
      superuser: row.superuser,
      ownsAuditTable: row.owns,
      auditExtras: row.extras,
      canAppendAudit: row.append,
      unreadable: unreadable.rows.map((r) => r.name),
    };
  });
}

/** A URL for messages: never its password. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

export interface PrivilegeVerdict {
  /** The application cannot work with these privileges: refuse to start. */
  fatal: string | null;
  /** The application works, but whoever holds its credentials can rewrite the audit log. */
  warning: string | null;
}

export function judgeAppConnection(report: AppConnectionReport): PrivilegeVerdict {
  const grant = `GRANT ${APP_ROLE} TO "${report.role}"`;
  if (!report.canAppendAudit || report.unreadable.length > 0) {
    const what = [...(report.canAppendAudit ? [] : ['SELECT and INSERT on "AuditEvent"']), ...report.unreadable.map((t) => `SELECT on "${t}"`)];
    return {
      fatal:
        `the database role "${report.role}" in DATABASE_URL lacks ${what.join(", ")}. Connect as ${APP_ROLE}, or run \`${grant}\` ` +
        `as the owner (the migrations grant ${APP_ROLE} what Keydesk needs); see docs/database.md.`,
      warning: null,
    };
  }
  const reasons = [
    ...(report.superuser ? ["is a superuser"] : []),
    ...(report.ownsAuditTable && !report.superuser ? ['owns the "AuditEvent" table (it can disable its append-only trigger)'] : []),
    ...(report.auditExtras.length ? [`has ${report.auditExtras.join(", ")} on "AuditEvent"`] : []),
  ];
  if (reasons.length === 0) return { fatal: null, warning: null };
  return {
    fatal: null,
    warning:
      `Keydesk connects to PostgreSQL as "${report.role}", which ${reasons.join(" and ")}. Anyone holding these credentials can ` +
      `change or delete audit events; only the audit key and the recorded chain head would reveal it. Run the application as ` +
      `${APP_ROLE}: set KEYDESK_MIGRATION_DATABASE_URL to this owner's URL and DATABASE_URL to a login that is (or is a member of) ` +
      `${APP_ROLE}. See docs/database.md.`,
  };
}
