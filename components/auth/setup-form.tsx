"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { useHydrated } from "@/components/ui/use-hydrated";
import { FormAlert } from "@/components/ui/form-alert";
import { completeSetup, type SetupFormState } from "@/lib/actions/setup";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";

const fields = [
  { name: "name", label: "Your name", type: "text", autoComplete: "name" },
  { name: "email", label: "Email", type: "email", autoComplete: "username" },
  { name: "password", label: "Password", type: "password", autoComplete: "new-password", hint: `At least ${MIN_PASSWORD_LENGTH} characters.` },
  { name: "confirmPassword", label: "Confirm password", type: "password", autoComplete: "new-password" },
] as const;

export type SetupFormProps = {
  /** From the link the server printed (/setup?token=…), so it need not be typed. */
  initialToken: string;
};

export function SetupForm({ initialToken }: SetupFormProps) {
  const router = useRouter();
  const [state, action, pending] = useActionState<SetupFormState, FormData>(completeSetup, {});
  const passwordRef = useRef("");
  const hydrated = useHydrated();

  // Once the administrator exists, sign them in with what they just typed.
  useEffect(() => {
    if (!state.ok || !state.email) return;
    void signIn("credentials", { email: state.email, password: passwordRef.current, redirect: false }).then(() => {
      passwordRef.current = "";
      router.replace("/");
      router.refresh();
    });
  }, [state, router]);

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Welcome to Keydesk</CardTitle>
        <CardDescription>Create the first administrator. This page is available only until an account exists.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          action={(form) => {
            passwordRef.current = String(form.get("password") ?? "");
            action(form);
          }}
          className="grid gap-4"
          noValidate
        >
          <div className="grid gap-2">
            <Label htmlFor="setupToken">Setup token</Label>
            <Input
              id="setupToken"
              name="setupToken"
              type="text"
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              defaultValue={state.values?.setupToken ?? initialToken}
              aria-invalid={state.fieldErrors?.setupToken?.[0] ? true : undefined}
              aria-describedby={`setupToken-hint${state.fieldErrors?.setupToken?.[0] ? " setupToken-error" : ""}`}
              required
            />
            <p id="setupToken-hint" className="text-[13px] text-muted-foreground">
              Printed in the server&apos;s log when Keydesk started, and saved in the file <code>setup-token</code> in its data directory.
            </p>
            <p id="setupToken-error" aria-live="polite" className="text-[13px] font-medium text-destructive empty:hidden">
              {state.fieldErrors?.setupToken?.[0]}
            </p>
          </div>
          {fields.map((field) => {
            const error = state.fieldErrors?.[field.name]?.[0];
            const hint = "hint" in field ? field.hint : undefined;
            const describedBy = [hint ? `${field.name}-hint` : null, error ? `${field.name}-error` : null].filter(Boolean).join(" ");
            return (
              <div key={field.name} className="grid gap-2">
                <Label htmlFor={field.name}>{field.label}</Label>
                <Input
                  id={field.name}
                  name={field.name}
                  type={field.type}
                  autoComplete={field.autoComplete}
                  defaultValue={field.type === "password" ? undefined : state.values?.[field.name]}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={describedBy || undefined}
                  required
                />
                {hint ? <p id={`${field.name}-hint`} className="text-[13px] text-muted-foreground">{hint}</p> : null}
                <p id={`${field.name}-error`} aria-live="polite" className="text-[13px] font-medium text-destructive empty:hidden">
                  {error}
                </p>
              </div>
            );
          })}
          <FormAlert aria-live="polite" className="empty:hidden">
            {state.error}
          </FormAlert>
          <Button type="submit" disabled={pending || state.ok || !hydrated} className="w-full">
            {pending || state.ok ? <Spinner /> : null}
            {state.ok ? "Signing you in…" : "Create administrator"}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
