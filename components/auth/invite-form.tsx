"use client";

import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/spinner";
import { FormAlert } from "@/components/ui/form-alert";
import { acceptInviteAction, type AcceptInviteState } from "@/lib/actions/users";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";

export type InviteFormProps = {
  token: string;
  name: string;
  email: string;
};

/** The invite page: the invitee chooses a password, and is then signed in with it. */
export function InviteForm({ token, name, email }: InviteFormProps) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState<AcceptInviteState, FormData>(acceptInviteAction, {});
  const passwordRef = useRef("");
  const [signInFailed, setSignInFailed] = useState(false);
  const errors = state.fieldErrors ?? {};

  // Once the password is set, sign in with what was just typed.
  useEffect(() => {
    if (!state.ok || !state.email) return;
    void signIn("credentials", { email: state.email, password: passwordRef.current, redirect: false }).then((result) => {
      passwordRef.current = "";
      if (result?.ok && !result.error) {
        router.replace("/");
        router.refresh();
      } else {
        setSignInFailed(true);
      }
    });
  }, [state, router]);

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand keeps what was typed when the server refuses it.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    passwordRef.current = String(data.get("password") ?? "");
    startTransition(() => formAction(data));
  }

  if (signInFailed) {
    return (
      <Card>
        <CardHeader>
          <CardTitle as="h1">Your password is set</CardTitle>
          <CardDescription>Sign in with {email} and the password you just chose.</CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild className="w-full">
            <Link href="/sign-in">Go to sign in</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Welcome, {name}</CardTitle>
        <CardDescription>
          Choose a password for your Keydesk account <span className="font-medium text-foreground">{email}</span>.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <input type="hidden" name="token" value={token} />
          {/* Lets password managers save the new password under the right account. */}
          <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
          <FormField
            label="Password"
            name="password"
            required
            error={errors.password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          >
            {(field) => <Input {...field} type="password" autoComplete="new-password" autoFocus />}
          </FormField>
          <FormField label="Confirm password" name="confirmPassword" required error={errors.confirmPassword}>
            {(field) => <Input {...field} type="password" autoComplete="new-password" />}
          </FormField>
          {state.error && !pending && !state.fieldErrors ? (
            <FormAlert>{state.error}</FormAlert>
          ) : null}
          <Button type="submit" disabled={pending || state.ok} className="w-full">
            {pending || state.ok ? <Spinner label={null} /> : null}
            {state.ok ? "Signing you in…" : pending ? "Saving…" : "Set password and sign in"}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
