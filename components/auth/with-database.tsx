import type { ReactNode } from "react";
import { DatabaseUnavailable } from "@/components/database-unavailable";
import { isDatabaseDown } from "@/lib/db-errors";

/** Renders `render()`, or the database-unavailable page when PostgreSQL cannot be reached. */
export async function withDatabase(render: () => Promise<ReactNode>): Promise<ReactNode> {
  try {
    return await render();
  } catch (error) {
    if (isDatabaseDown(error)) return <DatabaseUnavailable />;
    throw error;
  }
}
