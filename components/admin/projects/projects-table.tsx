import { ArchiveProjectButton } from "@/components/admin/projects/archive-project-button";
import { ProjectFormDialog } from "@/components/admin/projects/project-form-dialog";
import { CopyButton } from "@/components/api-keys/copy-button";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ProjectRow } from "@/lib/queries/projects";
import { cn } from "@/lib/utils";
import { describeLimits } from "@/lib/validations/limits";
import { formatLifetime } from "@/lib/validations/project";

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** "30 days", and whether unknown keys are logged too. */
function TrailSettings({ project }: { project: ProjectRow }) {
  return (
    <>
      {formatLifetime(project.requestRetentionDays)}
      {project.logUnknownKeys ? <span className="block text-xs text-muted-foreground">unknown keys logged</span> : null}
    </>
  );
}

function KeyUsage({ project }: { project: ProjectRow }) {
  const full = !project.archivedAt && project.activeKeys >= project.activeKeyLimit;
  return (
    <span className={cn("tabular-nums", full && "font-medium text-warning")}>
      {project.activeKeys} / {project.activeKeyLimit}
      {full ? <span className="sr-only"> (limit reached)</span> : null}
      {/* Rolled keys in grace do not count against the limit: say so, so the keys list adds up. */}
      {project.rolledInGrace > 0 ? (
        <span className="block text-xs font-normal text-muted-foreground">
          +{project.rolledInGrace} rolled, in grace
        </span>
      ) : null}
    </span>
  );
}

/** The defaults new keys get, and whether keys may exceed them. */
function KeyLimits({ project }: { project: ProjectRow }) {
  const text = describeLimits({ ratelimits: project.defaultRatelimits, credits: project.defaultCredits });
  return (
    <span className={cn(text === "None" && "text-muted-foreground")}>
      {text}
      {project.capLimitsAtDefaults && text !== "None" ? <span className="block text-xs text-muted-foreground">Keys may not exceed these</span> : null}
    </span>
  );
}

function Status({ project }: { project: ProjectRow }) {
  return project.archivedAt ? <Badge variant="neutral">Archived</Badge> : <Badge variant="success">Active</Badge>;
}

function Created({ project }: { project: ProjectRow }) {
  return <time dateTime={project.createdAt}>{dateFormat.format(new Date(project.createdAt))}</time>;
}

/** Edit and Archive; archived projects are kept as a record and offer neither. */
function Actions({ project, compact = false }: { project: ProjectRow; compact?: boolean }) {
  if (project.archivedAt) return null;
  return (
    <span className="inline-flex items-center justify-end gap-1">
      <ProjectFormDialog project={project} compact={compact} />
      {project.isSystem ? null : (
        <ArchiveProjectButton projectId={project.id} name={project.name} workingKeys={project.workingKeys} compact={compact} />
      )}
    </span>
  );
}

/** The slug is what an API sends as `project` when it verifies keys, so it is easy to copy. */
function Slug({ project, className }: { project: ProjectRow; className?: string }) {
  return (
    <span className={cn("flex items-center gap-1 font-mono break-all text-muted-foreground", className)}>
      <span>
        <span className="sr-only">Slug </span>
        {project.slug}
      </span>
      {project.archivedAt ? null : <CopyButton value={project.slug} label={`Copy slug of ${project.name}`} className="size-6" />}
    </span>
  );
}

function Name({ project }: { project: ProjectRow }) {
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span className="font-medium text-foreground">{project.name}</span>
      {project.isSystem ? <Badge variant="info">Built-in</Badge> : null}
    </span>
  );
}

export type ProjectsTableProps = {
  projects: ProjectRow[];
};

/** All projects, active ones first: a table on wide screens, a list of cards on narrow ones. */
export function ProjectsTable({ projects }: ProjectsTableProps) {
  return (
    <>
      <Table containerClassName="hidden lg:block">
        <TableCaption className="sr-only">Projects</TableCaption>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Name and slug</TableHead>
            <TableHead>Key prefix</TableHead>
            <TableHead className="text-right">Active keys / limit</TableHead>
            <TableHead>Max lifetime</TableHead>
            <TableHead>No-expiry keys</TableHead>
            <TableHead>Key limits</TableHead>
            <TableHead>Requests kept</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Created</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {projects.map((project) => (
            <TableRow
              key={project.id}
              data-archived={project.archivedAt ? true : undefined}
              className={cn(project.archivedAt && "text-muted-foreground")}
            >
              <TableCell className="py-2.5 whitespace-normal">
                <Name project={project} />
                <Slug project={project} className="text-xs" />
              </TableCell>
              <TableCell className="font-mono text-[13px]">{project.keyPrefix}_</TableCell>
              <TableCell className="text-right">
                <KeyUsage project={project} />
              </TableCell>
              <TableCell>{formatLifetime(project.maxLifetimeDays)}</TableCell>
              <TableCell>{project.allowNoExpiry ? "Allowed" : "Not allowed"}</TableCell>
              <TableCell className="max-w-[16rem] whitespace-normal">
                <KeyLimits project={project} />
              </TableCell>
              <TableCell>
                <TrailSettings project={project} />
              </TableCell>
              <TableCell>
                <Status project={project} />
              </TableCell>
              <TableCell>
                <Created project={project} />
              </TableCell>
              <TableCell className="py-1.5 pr-2 pl-0 text-right">
                <Actions project={project} compact />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <ul aria-label="Projects" className="grid gap-3 lg:hidden">
        {projects.map((project) => (
          <li
            key={project.id}
            data-archived={project.archivedAt ? true : undefined}
            className={cn("rounded-lg border border-border bg-card p-4 text-sm", project.archivedAt && "text-muted-foreground")}
          >
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0 space-y-1">
                <Name project={project} />
                <Slug project={project} className="text-[13px]" />
              </div>
              <Status project={project} />
            </div>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2">
              <div>
                <dt className="text-xs text-muted-foreground">Key prefix</dt>
                <dd className="font-mono text-[13px]">{project.keyPrefix}_</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Active keys / limit</dt>
                <dd>
                  <KeyUsage project={project} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Max lifetime</dt>
                <dd>{formatLifetime(project.maxLifetimeDays)}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">No-expiry keys</dt>
                <dd>{project.allowNoExpiry ? "Allowed" : "Not allowed"}</dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-muted-foreground">Key limits</dt>
                <dd>
                  <KeyLimits project={project} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Requests kept</dt>
                <dd>
                  <TrailSettings project={project} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Created</dt>
                <dd>
                  <Created project={project} />
                </dd>
              </div>
            </dl>
            {project.archivedAt ? null : (
              <div className="mt-3 flex justify-end border-t border-border pt-2">
                <Actions project={project} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
