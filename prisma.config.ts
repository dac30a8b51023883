// Prisma CLI configuration. The CLI is only used for `prisma generate` here (migrations are
// applied by lib/db/migrator.ts), so the URL is a placeholder when none is configured.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://keydesk@localhost:5432/keydesk",
  },
});
