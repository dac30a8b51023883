"use client";
import { Button } from "@/components/ui/button";

// Production hides error details from the browser; the message stays generic and honest.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4">
      <div role="alert" className="grid max-w-md gap-3 text-center">
        <h1 className="text-xl font-semibold">This page could not be loaded</h1>
        <p className="text-sm text-muted-foreground">
          Something went wrong on the server — often the database being briefly unavailable. Nothing was changed. Keydesk
          recovers on its own; try again in a moment.
        </p>
        <div>
          <Button onClick={reset}>Try again</Button>
        </div>
      </div>
    </main>
  );
}
