import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

export default function ApiKeyLoading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label="Loading API key" className="sr-only" />
      <div className="grid gap-3">
        <Skeleton className="h-4 w-20" />
        <div className="flex flex-col gap-4 sm:flex-row sm:justify-between">
          <div className="grid gap-2">
            <Skeleton className="h-8 w-56" />
            <Skeleton className="h-5 w-64 max-w-full" />
          </div>
          <div className="flex gap-2">
            <Skeleton className="h-9 w-28" />
            <Skeleton className="h-9 w-32" />
          </div>
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:items-start">
        <div className="grid gap-4 rounded-lg border border-border bg-card p-5">
          <Skeleton className="h-5 w-20" />
          {Array.from({ length: 8 }, (_, index) => (
            <div key={index} className="grid gap-2 sm:grid-cols-[10rem_1fr] sm:gap-4">
              <Skeleton className="h-4 w-20" />
              <Skeleton className="h-4 w-48 max-w-full" />
            </div>
          ))}
        </div>
        <div className="grid gap-3 rounded-lg border border-border bg-card p-5">
          <Skeleton className="h-5 w-28" />
          <Skeleton className="h-4 w-56 max-w-full" />
          <Skeleton className="h-4 w-44" />
        </div>
      </div>
      <div className="grid gap-3 rounded-lg border border-border bg-card p-5">
        <Skeleton className="h-5 w-32" />
        {Array.from({ length: 3 }, (_, index) => (
          <Skeleton key={index} className="h-4 w-full" />
        ))}
      </div>
    </div>
  );
}
