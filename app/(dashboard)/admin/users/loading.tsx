import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

export default function UsersLoading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label="Loading users" className="sr-only" />
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-2">
          <Skeleton className="h-8 w-28" />
          <Skeleton className="h-4 w-96 max-w-full" />
        </div>
        <Skeleton className="h-9 w-32" />
      </div>
      <Skeleton className="h-9 w-full sm:max-w-md" />
      <div className="overflow-hidden rounded-lg border border-border bg-card">
        <div className="flex h-10 items-center gap-6 border-b border-border bg-muted/50 px-4">
          {[20, 28, 14, 14, 18, 16].map((width, index) => (
            <Skeleton key={index} className="h-3" style={{ width: `${width * 4}px` }} />
          ))}
        </div>
        {Array.from({ length: 6 }, (_, row) => (
          <div key={row} className="flex h-14 items-center gap-6 border-b border-border px-4 last:border-0">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-4 w-44" />
            <Skeleton className="hidden h-5 w-20 sm:block" />
            <Skeleton className="hidden h-5 w-14 md:block" />
            <Skeleton className="hidden h-4 w-20 md:block" />
            <Skeleton className="ml-auto h-7 w-20" />
          </div>
        ))}
      </div>
    </div>
  );
}
