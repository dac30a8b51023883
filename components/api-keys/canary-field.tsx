import { Checkbox } from "@/components/ui/checkbox";

/** The create dialog's "Canary key" option (issue 17). Submits `canary=on` when ticked. */
export function CanaryField({ defaultChecked = false }: { defaultChecked?: boolean }) {
  return (
    <div className="grid gap-1.5">
      <div className="flex items-start gap-2.5">
        <Checkbox id="create-key-canary" name="canary" defaultChecked={defaultChecked} aria-describedby="create-key-canary-hint" className="mt-0.5" />
        <label htmlFor="create-key-canary" className="text-sm leading-snug font-medium">
          Canary key (honeytoken)
        </label>
      </div>
      <p id="create-key-canary-hint" className="pl-6.5 text-[13px] text-muted-foreground">
        Never valid. Plant it where no legitimate caller should find it (a config file, a repository): any verification answers NOT_FOUND and alerts
        administrators at once with the request&apos;s method, path and IP. It does not count towards the project&apos;s limit.
      </p>
    </div>
  );
}
