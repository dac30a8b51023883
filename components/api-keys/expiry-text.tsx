"use client";

import { Clock } from "lucide-react";

import { isExpiringSoon } from "@/components/api-keys/format";
import { RelativeTimeText, useNow } from "@/components/ui/time";
import { Badge } from "@/components/ui/badge";
import type { KeyStatus } from "@/lib/keys/status";

export type ExpiryTextProps = {
  expiresAt: string | null;
  status: KeyStatus;
  serverNow: string;
  /** Says "Expires in 29 days" / "Never expires", for places without an "Expires" heading. */
  withVerb?: boolean;
};

/**
 * "Never", "in 29 days", or a warning badge when an active key expires within a week. A revoked
 * key shows no expiry at all: it will not work again, so a future date would only mislead (the
 * row's status already says "Revoked").
 */
export function ExpiryText({ expiresAt, status, serverNow, withVerb = false }: ExpiryTextProps) {
  const now = useNow(serverNow);
  if (status === "revoked") {
    return (
      <span className="text-muted-foreground" title="Revoked: this key no longer expires">
        —<span className="sr-only">does not apply</span>
      </span>
    );
  }
  if (expiresAt === null) return <span className="text-muted-foreground">{withVerb ? "Never expires" : "Never"}</span>;
  if (isExpiringSoon({ status, expiresAt }, now)) {
    return (
      <Badge variant="warning">
        <Clock aria-hidden="true" />
        <span>
          Expires <RelativeTimeText value={expiresAt} serverNow={serverNow} />
        </span>
      </Badge>
    );
  }
  const relative = <RelativeTimeText value={expiresAt} serverNow={serverNow} />;
  if (!withVerb) return relative;
  return (
    <span>
      {status === "expired" ? "Expired" : "Expires"} {relative}
    </span>
  );
}
