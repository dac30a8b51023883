import { KeyRound } from "lucide-react";
import Link from "next/link";

import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function ApiKeyNotFound() {
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader title="API key not found" />
      <EmptyState
        icon={KeyRound}
        title="No key has this Sid"
        description="The link may be mistyped or cut short. Search the list by name, prefix or Sid instead."
        action={
          <Button asChild variant="outline">
            <Link href="/settings/api-keys">Back to API keys</Link>
          </Button>
        }
      />
    </div>
  );
}
