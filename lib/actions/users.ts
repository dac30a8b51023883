"use server";
// Server actions behind Admin → Users and the invite page. Admin actions check the caller's
// permission on the server (authorize() re-reads the role from the database) before the
// service, which checks it again under its lock, does the write.
import { revalidatePath } from "next/cache";
import { formValues, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { requireRecentAuth } from "@/lib/auth/recent-auth";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import type { Role } from "@/lib/generated/prisma/enums";
import { acceptInvite } from "@/lib/services/invites";
import { changeUserRole, createUser, deactivateUser, reactivateUser, reissueInvite, resetUserPassword } from "@/lib/services/users";
import type { OnboardingMethod } from "@/lib/validations/admin-user";

const LIST_PATH = "/admin/users";

/** What the admin sees once, right after creating a user or issuing a new invite link. */
export interface RevealedCredential {
  name: string;
  email: string;
  role: Role;
  method: OnboardingMethod;
  /** Method "password": the temporary password. */
  temporaryPassword?: string;
  /** Method "invite": the path of the link ("/invite/<token>"); the client adds its origin. */
  invitePath?: string;
  inviteExpiresAt?: string;
  /** Set when an administrator replaced an existing password (not a new account). */
  reset?: boolean;
}

export interface CreateUserState extends FormState {
  created?: RevealedCredential;
}

/** Values echoed back after a failed submit must never include a password. */
const SECRET_FIELDS = new Set(["password", "confirmPassword", "currentPassword", "token"]);

function withoutSecrets(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !SECRET_FIELDS.has(name)));
}

export async function createUserAction(_prev: CreateUserState, form: FormData): Promise<CreateUserState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    const created = await createUser({ type: "user", user }, values, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `Created ${created.name} (${ROLE_LABELS[created.role]}).`,
      created: {
        name: created.name,
        email: created.email,
        role: created.role,
        method: created.method,
        temporaryPassword: created.temporaryPassword,
        invitePath: created.inviteToken ? `/invite/${created.inviteToken}` : undefined,
        inviteExpiresAt: created.inviteExpiresAt?.toISOString(),
      },
    };
  }, withoutSecrets(values));
}

export async function reissueInviteAction(_prev: CreateUserState, form: FormData): Promise<CreateUserState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    const invite = await reissueInvite({ type: "user", user }, { userId: values.userId }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `New invite link for ${invite.name}. Earlier links no longer work.`,
      created: {
        name: invite.name,
        email: invite.email,
        role: invite.role,
        method: "invite",
        invitePath: `/invite/${invite.inviteToken}`,
        inviteExpiresAt: invite.inviteExpiresAt.toISOString(),
      },
    };
  }, values);
}

export async function resetUserPasswordAction(_prev: CreateUserState, form: FormData): Promise<CreateUserState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    requireRecentAuth(user);
    const reset = await resetUserPassword({ type: "user", user }, { userId: values.userId }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `New temporary password for ${reset.name}. They have been signed out everywhere.`,
      created: { name: reset.name, email: reset.email, role: reset.role, method: "password", temporaryPassword: reset.temporaryPassword, reset: true },
    };
  }, values);
}

export async function changeUserRoleAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    requireRecentAuth(user);
    const updated = await changeUserRole({ type: "user", user }, { userId: values.userId, role: values.role }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return { ok: true, message: `Changed ${updated.name}'s role to ${ROLE_LABELS[updated.role]}.` };
  }, values);
}

export async function deactivateUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    const updated = await deactivateUser({ type: "user", user }, { userId: values.userId }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return { ok: true, message: `Deactivated ${updated.name}. They can no longer sign in; their keys keep working.` };
  }, values);
}

export async function reactivateUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("users.manage");
    const updated = await reactivateUser({ type: "user", user }, { userId: values.userId }, await currentRequestContext());
    revalidatePath(LIST_PATH);
    return { ok: true, message: `Reactivated ${updated.name}. They can sign in again.` };
  }, values);
}

export interface AcceptInviteState extends FormState {
  /** Set on success, so the page can sign the person in with the password they just typed. */
  email?: string;
}

/** Public: the invite token in the form is the only credential. */
export async function acceptInviteAction(_prev: AcceptInviteState, form: FormData): Promise<AcceptInviteState> {
  const values = formValues(form);
  return runAction(async () => {
    const result = await acceptInvite(values, await currentRequestContext());
    return { ok: true, email: result.email, message: "Password set." };
  });
}
