"use server";
// Settings → API Keys → "Find a key by its secret". A read: anyone who may see keys may ask.
// What the form sends back holds the key's name and Sid only, never the pasted secret.
import type { FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize } from "@/lib/auth/session";
import { findKeyBySecret, type FoundKey } from "@/lib/queries/find-key";

export interface FindKeyState extends FormState {
  found?: FoundKey;
}

export async function findKeyBySecretAction(_prev: FindKeyState, form: FormData): Promise<FindKeyState> {
  return runAction(async (): Promise<FindKeyState> => {
    await authorize("keys.read");
    const pasted = form.get("secret");
    if (typeof pasted !== "string" || pasted.trim() === "") {
      return { fieldErrors: { secret: ["Paste the secret of the key you are looking for."] } };
    }
    // The secret's maximum length is small: anything much longer is not a key, and is not parsed.
    const result = await findKeyBySecret(pasted.length > 200 ? "" : pasted);
    if ("found" in result) return { ok: true, found: result.found };
    return {
      fieldErrors: {
        secret: [
          result.notFound === "format"
            ? "This is not a Keydesk key: its format or checksum is wrong. Check that you pasted all of it."
            : "No key has this secret. It may belong to another Keydesk, or was never issued.",
        ],
      },
    };
  });
}
