import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

export default function EndpointLoading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label="Loading the endpoint" className="sr-only" />
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-14 w-full" />
      <Skeleton className="h-48 w-full" />
    </div>
  );
}
