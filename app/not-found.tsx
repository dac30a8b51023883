import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-4">
      <div className="grid max-w-md gap-3 text-center">
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="text-sm text-muted-foreground">There is nothing at this address. It may have been a key that no longer exists.</p>
        <Link className="text-sm font-medium text-primary underline-offset-4 hover:underline" href="/">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
