import { ShieldCheck } from "lucide-react";

import { describeConstraint, describeConstraintLogic } from "@/lib/keys/constraint-text";
import type { KeyConstraint } from "@/lib/keys/constraints";

export type KeyConstraintsListProps = {
  constraints: KeyConstraint[];
  /** Adds advice on narrowing an unrestricted key; pointless for revoked or expired keys. */
  showAdvice?: boolean;
};

/** A key's rules in words, or a plain statement that it is unrestricted. */
export function KeyConstraintsList({ constraints, showAdvice = false }: KeyConstraintsListProps) {
  if (constraints.length === 0) {
    return (
      <div className="grid gap-1 text-sm">
        <p className="font-medium">Unrestricted — any path, any method, any address</p>
        {showAdvice ? (
          <p className="text-muted-foreground">
            Constraints are fixed when a key is created. To narrow access, create a restricted key and revoke this one.
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className="grid gap-3 text-sm">
      <p className="text-muted-foreground">{describeConstraintLogic(constraints)}</p>
      <ol className="grid gap-2">
        {constraints.map((constraint, index) => (
          <li key={index} className="flex gap-2 rounded-md border border-border bg-muted/40 px-3 py-2">
            <ShieldCheck className="mt-0.5 size-4 shrink-0 text-info" aria-hidden="true" />
            <span className="font-mono text-xs leading-5 break-words">{describeConstraint(constraint)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
