import { KeyRound } from "lucide-react";
import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center gap-6 bg-muted/40 px-4 py-12">
      <div className="flex items-center gap-2 text-lg font-semibold tracking-tight">
        <span className="flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground">
          <KeyRound className="size-4" aria-hidden />
        </span>
        Keydesk
      </div>
      <div className="w-full max-w-sm">{children}</div>
    </main>
  );
}
