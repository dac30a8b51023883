import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requirePermission } from "@/lib/auth/session";
import { apiKeyExists } from "@/lib/queries/api-keys";

interface KeyLayoutProps {
  children: ReactNode;
  params: Promise<{ keyId: string }>;
}

/**
 * Checks the key exists above the page's loading boundary: once loading.tsx streams, the status
 * is already 200, so an unknown Sid would otherwise never get a real 404.
 */
export default async function KeyLayout({ children, params }: KeyLayoutProps) {
  await requirePermission("keys.read");
  if (!(await apiKeyExists((await params).keyId))) notFound();
  return children;
}
