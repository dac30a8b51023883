import { FileQuestion } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="grid max-w-md justify-items-center gap-3 text-center">
        <FileQuestion className="size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-sm text-balance text-muted-foreground">There is nothing at this address. It may have been a key that no longer exists.</p>
        <Button asChild variant="outline" className="mt-2">
          <Link href="/">Back to the dashboard</Link>
        </Button>
      </div>
    </main>
  );
}
