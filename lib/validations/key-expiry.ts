// Changing an existing key's expiry (the key page's "Change expiry"): the same presets and custom
// date as at creation, measured from now and held to the project's policy by resolveExpiry.
import { z } from "zod";
import { expiryPresetSchema } from "@/lib/validations/api-key";

export const changeKeyExpirySchema = z.object({
  keyId: z.string().min(1).max(64),
  expiry: expiryPresetSchema,
  customDate: z.string().max(64).optional(),
});
