import { ListPageSkeleton } from "@/components/ui/list-page-skeleton";
import { Skeleton } from "@/components/ui/skeleton";

export default function ApiKeysLoading() {
  return (
    <ListPageSkeleton
      label="Loading API keys"
      titleClassName="w-36"
      actionClassName="w-40"
      toolbar={
        <div className="flex flex-wrap items-end gap-3">
          <Skeleton className="h-9 w-full sm:w-72" />
          <Skeleton className="h-9 w-full sm:max-w-xl sm:min-w-80 sm:flex-1" />
          <Skeleton className="h-9 w-full sm:w-36" />
        </div>
      }
      headerWidths={[28, 24, 16, 16, 16, 12]}
      cellClassNames={["h-4 w-40", "hidden h-4 w-36 sm:block", "hidden h-4 w-20 md:block", "hidden h-4 w-20 md:block", "h-5 w-14", "h-7 w-7"]}
      rows={8}
    />
  );
}
