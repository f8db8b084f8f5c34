/**
 * Shown on /sign-in when no way to sign in is configured: a production build
 * without Clerk keys and without the local development sign-in turned on.
 * Says which variables to set, and where.
 */
import { KeyRound } from "lucide-react";
import type { ReactNode } from "react";

function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-sm break-all">{children}</code>;
}

export function SignInNotConfigured() {
  return (
    <main className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16">
      <KeyRound aria-hidden="true" className="size-8 text-muted-foreground" />
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">Sign-in is not configured</h1>
      <p className="mt-3 leading-relaxed text-muted-foreground">
        This server has no way to sign people in yet, so nobody can use it. Whoever runs it needs to set up Clerk:
      </p>
      <ul className="mt-3 list-disc space-y-2 pl-5 leading-relaxed text-muted-foreground">
        <li>
          in the web app&apos;s environment (e.g. <Code>.env.local</Code>):{" "}
          <Code>NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY</Code> and <Code>CLERK_SECRET_KEY</Code>;
        </li>
        <li>
          on the Convex deployment: <Code>npx convex env set CLERK_JWT_ISSUER_DOMAIN https://…</Code>.
        </li>
      </ul>
      <p className="mt-4 leading-relaxed text-muted-foreground">
        To try the app on your own machine instead, <Code>npm run dev</Code> turns on a local sign-in with{" "}
        <Code>ENABLE_LOCAL_SIGN_IN=1</Code>. It has no password, so never enable it where others can reach it.
      </p>
    </main>
  );
}
