// `prisma generate` without network: the CLI insists on a schema-engine binary path even though
// generation never runs it, and downloading the real one is impossible here. Any existing file
// satisfies the check; Node's own executable always exists.
import { spawnSync } from "node:child_process";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
