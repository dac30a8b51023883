"use client";

import { useState } from "react";

import type { FieldError } from "@/components/ui/form-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { formatCount } from "@/lib/format";
import { EXTERNAL_ID_MAX_LENGTH, METADATA_MAX_BYTES, checkMetadata } from "@/lib/validations/key-fields";

export type KeyOwnerFieldsProps = {
  externalId: string;
  onExternalIdChange: (value: string) => void;
  /** The metadata as the user types it (JSON text). */
  metadata: string;
  onMetadataChange: (value: string) => void;
  /** Show the metadata's problem even before the field was left (after a submit attempt). */
  showAllErrors?: boolean;
  errors: { externalId?: FieldError; metadata?: FieldError };
};

/**
 * Owner (`externalId`) and metadata inputs of the create and edit forms. Metadata is checked as
 * it is typed, with the same function the server uses, once the field has been left.
 */
export function KeyOwnerFields({
  externalId,
  onExternalIdChange,
  metadata,
  onMetadataChange,
  showAllErrors = false,
  errors,
}: KeyOwnerFieldsProps) {
  const [metadataTouched, setMetadataTouched] = useState(false);
  const checked = checkMetadata(metadata);
  const liveError = (metadataTouched || showAllErrors) && !checked.ok ? checked.message : undefined;

  return (
    <>
      <FormField
        label={
          <>
            Owner <span className="font-normal text-muted-foreground">(optional)</span>
          </>
        }
        name="externalId"
        error={errors.externalId}
        hint="Whom or what the key is for, e.g. a customer or device id. Searchable, and returned to your API on every valid verification."
      >
        {(field) => (
          <Input
            {...field}
            value={externalId}
            onChange={(event) => onExternalIdChange(event.target.value)}
            maxLength={EXTERNAL_ID_MAX_LENGTH}
            autoComplete="off"
            spellCheck={false}
            placeholder="customer_4711"
          />
        )}
      </FormField>
      <FormField
        label={
          <>
            Metadata <span className="font-normal text-muted-foreground">(optional JSON object)</span>
          </>
        }
        name="metadata"
        error={liveError ?? errors.metadata}
        hint={`Returned to your API with the owner. At most ${formatCount(METADATA_MAX_BYTES)} bytes; not for secrets.`}
      >
        {(field) => (
          <Textarea
            {...field}
            value={metadata}
            onChange={(event) => onMetadataChange(event.target.value)}
            onBlur={() => setMetadataTouched(true)}
            rows={3}
            spellCheck={false}
            placeholder='{"plan": "pro", "region": "eu"}'
            className="font-mono text-[13px]"
          />
        )}
      </FormField>
    </>
  );
}
