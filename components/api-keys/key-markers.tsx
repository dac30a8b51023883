import { Bird, ShieldAlert } from "lucide-react";

import { Badge } from "@/components/ui/badge";

export type KeyMarkersProps = {
  canary: boolean;
  leakedAt: string | Date | null;
};

/** "Canary" for a honeytoken and "Leaked" for a key reported found in the wild (issue 17). */
export function KeyMarkers({ canary, leakedAt }: KeyMarkersProps) {
  return (
    <>
      {canary ? (
        <Badge variant="warning" title="A honeytoken: never valid; any use of it raises an alert">
          <Bird aria-hidden="true" />
          Canary
        </Badge>
      ) : null}
      {leakedAt ? (
        <Badge variant="destructive" title="This key was reported found in the wild">
          <ShieldAlert aria-hidden="true" />
          Leaked
        </Badge>
      ) : null}
    </>
  );
}
