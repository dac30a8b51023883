import { FolderKanban } from "lucide-react";
import type { Metadata } from "next";

import { ProjectFormDialog } from "@/components/admin/projects/project-form-dialog";
import { ProjectsTable } from "@/components/admin/projects/projects-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listProjects } from "@/lib/queries/projects";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  await requirePermission("projects.manage");
  const projects = await listProjects();

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Projects"
        description="Each project holds the keys of one application or partner: their prefix, how many may be active, and how long they may live."
        actions={<ProjectFormDialog />}
      />
      {projects.length === 0 ? (
        <EmptyState icon={FolderKanban} title="No projects yet" description="Create a project to start issuing keys for it." action={<ProjectFormDialog />} />
      ) : (
        <ProjectsTable projects={projects} />
      )}
    </div>
  );
}
