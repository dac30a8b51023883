"use client";

import { useRouter } from "next/navigation";

import { ChangePasswordForm } from "@/components/profile/change-password-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { signOutAction } from "@/lib/actions/auth";

export type ForcedPasswordChangeProps = {
  name: string;
  email: string;
};

/** The card on /change-password: the temporary password in, one of their own out. */
export function ForcedPasswordChange({ name, email }: ForcedPasswordChangeProps) {
  const router = useRouter();
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Choose your password</CardTitle>
        <CardDescription>
          Welcome, {name}. You signed in with a temporary password from an administrator; choose your own to continue. Only you will know
          it.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ChangePasswordForm
          email={email}
          currentPasswordLabel="Temporary password"
          onChanged={() => {
            router.replace("/");
            router.refresh();
          }}
        />
        <form action={signOutAction} className="border-t pt-3 text-sm text-muted-foreground">
          Not you, or not now?{" "}
          <Button type="submit" variant="link" className="h-auto p-0">
            Sign out
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
