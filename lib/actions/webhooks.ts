"use server";
// Server actions behind Admin → Webhooks. Each re-checks the caller (authorize re-reads the role)
// before the service writes. A new or rotated signing secret travels back in `secret` once, for
// the reveal dialog; no other state holds it.
import { revalidatePath } from "next/cache";
import { formValues as formValuesOf, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from "@/lib/services/webhooks";

const LIST_PATH = "/admin/webhooks";

export interface WebhookSecretState extends FormState {
  /** The signing secret, to be shown once. */
  secret?: string;
  endpointId?: string;
}

// The event types are a list (form.getAll), read apart from the text fields.
const formValues = (form: FormData) => formValuesOf(form, ["eventTypes"]);

/** The endpoint form's fields as the service takes them (event types are repeated checkboxes). */
function endpointInput(form: FormData, values: Record<string, string>) {
  return {
    url: values.url,
    description: values.description,
    projectId: values.projectId ?? "",
    eventTypes: form.getAll("eventTypes").filter((type): type is string => typeof type === "string"),
  };
}

async function actor() {
  return { type: "user" as const, user: await authorize("webhooks.manage") };
}

function revalidate(endpointId?: string) {
  revalidatePath(LIST_PATH);
  if (endpointId) revalidatePath(`${LIST_PATH}/${endpointId}`);
}

export async function createWebhookAction(_prev: WebhookSecretState, form: FormData): Promise<WebhookSecretState> {
  const values = formValues(form);
  return runAction(async () => {
    const { endpoint, secret } = await createWebhookEndpoint(await actor(), endpointInput(form, values), await currentRequestContext());
    revalidate();
    return { ok: true, message: "Webhook endpoint added.", secret, endpointId: endpoint.id };
  }, values);
}

export async function updateWebhookAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const { endpoint, changed } = await updateWebhookEndpoint(
      await actor(),
      { endpointId: values.endpointId, ...endpointInput(form, values) },
      await currentRequestContext(),
    );
    revalidate(endpoint.id);
    return { ok: true, message: changed.length === 0 ? "No changes to save." : "Webhook endpoint saved." };
  }, values);
}

export async function setWebhookEnabledAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const { endpoint } = await updateWebhookEndpoint(
      await actor(),
      { endpointId: values.endpointId, enabled: values.enabled === "true" },
      await currentRequestContext(),
    );
    revalidate(endpoint.id);
    return { ok: true, message: endpoint.enabled ? "Endpoint enabled: new events are delivered again." : "Endpoint disabled: nothing more is sent to it." };
  });
}

export async function rotateWebhookSecretAction(_prev: WebhookSecretState, form: FormData): Promise<WebhookSecretState> {
  const values = formValues(form);
  return runAction(async () => {
    const { endpoint, secret } = await rotateWebhookSecret(await actor(), values, await currentRequestContext());
    revalidate(endpoint.id);
    return { ok: true, message: "Signing secret rotated.", secret, endpointId: endpoint.id };
  }, values);
}

export async function deleteWebhookAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const endpoint = await deleteWebhookEndpoint(await actor(), values, await currentRequestContext());
    revalidate();
    return { ok: true, message: `Deleted the endpoint ${endpoint.url}.` };
  });
}

export async function sendTestEventAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    await sendTestEvent(await actor(), values, await currentRequestContext());
    revalidate(values.endpointId);
    return { ok: true, message: "Test event queued: it appears in the delivery log within seconds." };
  });
}

export async function redeliverAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    await redeliverWebhook(await actor(), values, await currentRequestContext());
    revalidate(values.endpointId);
    return { ok: true, message: "Queued for redelivery." };
  });
}
