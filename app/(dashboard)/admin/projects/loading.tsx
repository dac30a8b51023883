import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

export default function ProjectsLoading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label="Loading projects" className="sr-only" />
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
