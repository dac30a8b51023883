"use client";
import { TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";

// Production hides error details from the browser; the message stays generic and honest.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div role="alert" className="grid max-w-md justify-items-center gap-3 text-center">
        <TriangleAlert className="size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-xl font-semibold tracking-tight">This page could not be loaded</h1>
        <p className="text-sm text-balance text-muted-foreground">
          Something went wrong on the server — often the database being briefly unavailable. Nothing was changed. Keydesk
          recovers on its own; try again in a moment.
        </p>
        <Button onClick={reset} className="mt-2">
          Try again
        </Button>
      </div>
    </main>
  );
}
