"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/audit";
import { currentRequestContext, getCurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db";

export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  const store = await cookies();
  store.set("next-auth.session-token", "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax" });
  if (store.has("__Secure-next-auth.session-token")) {
    store.set("__Secure-next-auth.session-token", "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: true });
  }
  if (user) {
    const context = await currentRequestContext();
    await db.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: "user", id: user.id, email: user.email },
        action: "auth.signed_out",
        summary: `${user.email} signed out`,
        targetType: "user",
        targetId: user.id,
        context,
      }),
    );
  }
  redirect("/sign-in?signedOut=1");
}
