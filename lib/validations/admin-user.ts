// Admin → Users and the self-service profile: the list's URL state and every write's input.
// Shared by the forms (client) and the services (server), so nothing here may import server code.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { Role } from "@/lib/generated/prisma/enums";
import { listPageSchema, listSearchSchema, sortDirSchema } from "@/lib/validations/list-params";
import { wellFormed } from "@/lib/validations/text";
import { emailSchema, newPasswordSchema, personNameSchema } from "@/lib/validations/user";

export const ROLES = [Role.admin, Role.manager, Role.viewer] as const;

export const roleSchema = z.enum(ROLES, { error: "Choose a role" });

// ---- The list's URL state (?q=&sort=&dir=&page=); bad values fall back to defaults. ----

export const USER_SORTS = ["name", "email", "role", "lastSignInAt", "createdAt"] as const;
export const USER_PAGE_SIZE = 25;

export const userListParamsSchema = z.object({
  q: listSearchSchema,
  sort: z.enum(USER_SORTS).catch("name").default("name"),
  dir: sortDirSchema("asc"),
  page: listPageSchema,
});
export type UserListParams = z.output<typeof userListParamsSchema>;

// ---- Admin writes ----

export const ONBOARDING_METHODS = ["password", "invite"] as const;
export type OnboardingMethod = (typeof ONBOARDING_METHODS)[number];

export const createUserSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  role: roleSchema,
  method: z.enum(ONBOARDING_METHODS, { error: "Choose how the person gets their password" }),
});

export const userIdSchema = z.uuid({ error: "That user does not exist." });

export const userTargetSchema = z.object({ userId: userIdSchema });

export const changeRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });

// ---- Invites ----

/** base64url of 32 random bytes; anything else cannot be a token we issued. */
export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const passwordsMatch = (value: { password: string; confirmPassword: string }) => value.password === value.confirmPassword;

export const acceptInviteSchema = z
  .object({
    token: inviteTokenSchema,
    password: newPasswordSchema,
    confirmPassword: z.string({ error: "Confirm the password" }),
  })
  .refine(passwordsMatch, { path: ["confirmPassword"], message: "Passwords do not match" });

// ---- Profile (any signed-in user, for themselves) ----

export const updateProfileSchema = z.object({ name: personNameSchema });

export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password" })
      .min(1, "Enter your current password")
      .max(MAX_PASSWORD_LENGTH)
      .refine(...wellFormed("Password")),
    password: newPasswordSchema,
    confirmPassword: z.string({ error: "Confirm the new password" }),
  })
  .refine(passwordsMatch, { path: ["confirmPassword"], message: "Passwords do not match" })
  .refine((value) => value.password !== value.currentPassword, {
    path: ["password"],
    message: "Choose a password different from the current one",
  });

/** The confirm-password dialog before a sensitive action (lib/auth/recent-auth.ts). */
export const confirmPasswordSchema = z.object({
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(MAX_PASSWORD_LENGTH)
    .refine(...wellFormed("Password")),
});
