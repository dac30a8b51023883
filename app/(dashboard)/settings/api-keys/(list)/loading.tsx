import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

export default function ApiKeysLoading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label="Loading API keys" className="sr-only" />
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-2">
          <Skeleton className="h-8 w-36" />
          <Skeleton className="h-4 w-80 max-w-full" />
        </div>
        <Skeleton className="h-9 w-40" />
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <Skeleton className="h-9 w-full sm:w-72" />
        <Skeleton className="h-9 w-full sm:max-w-xl sm:min-w-80 sm:flex-1" />
        <Skeleton className="h-9 w-full sm:w-36" />
      </div>
      <div className="overflow-hidden rounded-lg border border-border bg-card">
        <div className="flex h-10 items-center gap-6 border-b border-border bg-muted/50 px-4">
          {[24, 20, 28, 16, 16, 16].map((width, index) => (
            <Skeleton key={index} className="h-3" style={{ width: `${width * 4}px` }} />
          ))}
        </div>
        {Array.from({ length: 8 }, (_, row) => (
          <div key={row} className="flex h-14 items-center gap-6 border-b border-border px-4 last:border-0">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-4 w-28" />
            <Skeleton className="hidden h-4 w-44 sm:block" />
            <Skeleton className="hidden h-4 w-20 md:block" />
            <Skeleton className="hidden h-4 w-20 md:block" />
            <Skeleton className="ml-auto h-5 w-14" />
          </div>
        ))}
      </div>
    </div>
  );
}
