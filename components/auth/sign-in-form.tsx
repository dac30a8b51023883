"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { useHydrated } from "@/components/ui/use-hydrated";
import { FormAlert } from "@/components/ui/form-alert";
import { safeCallbackPath } from "@/lib/auth/callback-url";

interface SignInFormProps {
  callbackUrl: string;
  initialError?: string;
  signedOut?: boolean;
}

export function SignInForm({ callbackUrl, initialError, signedOut }: SignInFormProps) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (result?.ok && !result.error) {
      // Checked again here: this is the line that navigates, whatever the page passed in.
      router.replace(safeCallbackPath(callbackUrl));
      router.refresh();
      return;
    }
    setPending(false);
    // One message for every failure: the form must not reveal which emails have accounts.
    setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Incorrect email or password.");
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Sign in</CardTitle>
        <CardDescription>
          {signedOut ? "You have been signed out. " : ""}Use the email and password of your Keydesk account.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form method="post" onSubmit={onSubmit} className="grid gap-4" noValidate>
          <div className="grid gap-2">
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="password">Password</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <FormAlert aria-live="polite" className="empty:hidden">
            {error}
          </FormAlert>
          <Button type="submit" disabled={pending || !hydrated} className="w-full">
            {pending ? <Spinner /> : null}
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
