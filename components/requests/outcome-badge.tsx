import { Badge, type BadgeVariant } from "@/components/ui/badge";

/** Colour follows consequence; the code is always the text. Codes added later fall to neutral. */
const VARIANTS: Partial<Record<string, BadgeVariant>> = {
  VALID: "success",
  FORBIDDEN: "destructive",
  REVOKED: "destructive",
  EXPIRED: "warning",
  DISABLED: "warning",
  RATE_LIMITED: "warning",
  USAGE_EXCEEDED: "warning",
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <Badge variant={VARIANTS[outcome] ?? "neutral"} className="font-mono">
      {outcome}
    </Badge>
  );
}
