"use server";
// Server actions behind Settings → API Keys. Each one checks the caller's permission on the
// server (authorize() re-reads the role from the database) before the service does the write.
import { revalidatePath } from "next/cache";
import { formValues, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { requireRecentAuth } from "@/lib/auth/recent-auth";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import { isManagementKey, isManagementProject } from "@/lib/queries/key-project";
import { createApiKey, revokeApiKey, revokeApiKeys, rollApiKey, setApiKeyEnabled, updateApiKey } from "@/lib/services/api-keys";

const LIST_PATH = "/settings/api-keys";

export interface RevealedKey {
  publicId: string;
  name: string;
  maskedKey: string;
  /** What the calling API sends as `project` (the reveal's "how to verify" snippet). */
  projectSlug: string;
  secret: string;
}

export interface CreateKeyState extends FormState {
  created?: RevealedKey;
}

export async function createApiKeyAction(_prev: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.create");
    // A management key is an admin credential: a stolen or unattended session is not enough.
    if (await isManagementProject(values.projectId)) requireRecentAuth(user);
    const created = await createApiKey({ type: "user", user }, values, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `Created "${created.name}".`,
      created: { publicId: created.publicId, name: created.name, maskedKey: created.maskedKey, projectSlug: created.projectSlug, secret: created.secret },
    };
  }, values);
}

export async function updateApiKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.update");
    const updated = await updateApiKey(
      { type: "user", user },
      values.keyId ?? "",
      { name: values.name, description: values.description, externalId: values.externalId, metadata: values.metadata },
      await currentRequestContext(),
    );
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${updated.publicId}`);
    return { ok: true, message: `Saved "${updated.name}".` };
  }, values);
}

export async function revokeApiKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.revoke");
    const revoked = await revokeApiKey({ type: "user", user }, { keyId: values.keyId, cascade: values.cascade }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${revoked.publicId}`);
    const cascaded = revoked.cascaded?.length ?? 0;
    for (const key of revoked.cascaded ?? []) revalidatePath(`${LIST_PATH}/${key.publicId}`);
    return {
      ok: true,
      message: `Revoked "${revoked.name}"${cascaded > 0 ? ` and ${cascaded} key${cascaded === 1 ? "" : "s"} it created` : ""}. Apps using ${cascaded > 0 ? "them" : "it"} have lost access.`,
    };
  }, values);
}

/** Disable (`enabled=false`) or enable (`enabled=true`) one key. */
export async function setApiKeyEnabledAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.update");
    const key = await setApiKeyEnabled({ type: "user", user }, { keyId: values.keyId, enabled: values.enabled }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${key.publicId}`);
    return {
      ok: true,
      message: key.enabled ? `Enabled "${key.name}". It verifies again.` : `Disabled "${key.name}". It answers DISABLED until you enable it.`,
    };
  }, values);
}

/** Revokes the selected keys (`keyIds`, comma-separated Sids) in one transaction. */
export async function revokeApiKeysAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.revoke");
    const revoked = await revokeApiKeys({ type: "user", user }, { keyIds: values.keyIds }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    for (const key of revoked) revalidatePath(`${LIST_PATH}/${key.publicId}`);
    return { ok: true, message: `Revoked ${revoked.length === 1 ? `"${revoked[0]?.name}"` : `${revoked.length} keys`}. Apps using ${revoked.length === 1 ? "it" : "them"} have lost access.` };
  }, values);
}

export async function rollApiKeyAction(_prev: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("keys.roll");
    if (await isManagementKey(values.keyId)) requireRecentAuth(user);
    const { key, old } = await rollApiKey({ type: "user", user }, { keyId: values.keyId, grace: values.grace }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${old.publicId}`);
    return {
      ok: true,
      message: `Rolled "${key.name}". The old key stops working ${values.grace === "now" ? "now" : `in ${values.grace}`}.`,
      created: { publicId: key.publicId, name: key.name, maskedKey: key.maskedKey, projectSlug: key.projectSlug, secret: key.secret },
    };
  }, values);
}
