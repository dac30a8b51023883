import type { Metadata } from "next";

import { CreateUserDialog } from "@/components/admin/users/create-user-dialog";
import { UserList } from "@/components/admin/users/user-list";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listUsers } from "@/lib/queries/admin-users";
import { firstValues } from "@/lib/validations/list-params";
import { userListParamsSchema } from "@/lib/validations/admin-user";

export const metadata: Metadata = { title: "Users" };

interface UsersPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function UsersPage({ searchParams }: UsersPageProps) {
  const user = await requirePermission("users.manage");
  const params = userListParamsSchema.parse(firstValues(await searchParams));
  const { rows, total, pageSize } = await listUsers(params);

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Users"
        description="People who sign in to Keydesk and their roles. Deactivating someone ends their access at once; API keys belong to projects and keep working."
        actions={<CreateUserDialog />}
      />
      <UserList
        rows={rows}
        total={total}
        pageSize={pageSize}
        params={params}
        currentUserId={user.id}
        serverNow={new Date().toISOString()}
      />
    </div>
  );
}
