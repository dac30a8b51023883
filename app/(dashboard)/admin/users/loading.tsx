import { ListPageSkeleton } from "@/components/ui/list-page-skeleton";
import { Skeleton } from "@/components/ui/skeleton";

export default function UsersLoading() {
  return (
    <ListPageSkeleton
      label="Loading users"
      titleClassName="w-28"
      actionClassName="w-32"
      toolbar={<Skeleton className="h-9 w-full sm:max-w-md" />}
      headerWidths={[20, 28, 14, 14, 18, 16]}
      cellClassNames={["h-4 w-32", "h-4 w-44", "hidden h-5 w-20 sm:block", "hidden h-5 w-14 md:block", "hidden h-4 w-20 md:block", "h-7 w-20"]}
      rows={6}
    />
  );
}
