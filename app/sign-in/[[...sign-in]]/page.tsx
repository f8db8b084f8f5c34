/**
 * `/sign-in`: Clerk's sign-in in Clerk mode; the local development sign-in
 * (display name only) when it is enabled; otherwise a page saying sign-in is
 * not configured. A visitor with a valid local session goes straight on.
 */
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ClerkSignIn } from "@/components/providers/clerk-sign-in";
import { LocalSignInForm } from "@/components/sign-in/local-sign-in-form";
import { SignInNotConfigured } from "@/components/sign-in/sign-in-not-configured";
import { safeNextPath } from "@/app/_lib/local-auth/constants";
import { readSession } from "@/app/_lib/local-auth/session";
import { authMode } from "@/app/_lib/runtime-env";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const mode = authMode();
  if (mode === "clerk") {
    return (
      <main className="flex flex-1 items-center justify-center px-4 py-12">
        <ClerkSignIn />
      </main>
    );
  }
  if (mode === "none") return <SignInNotConfigured />;
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : null);
  if (await readSession()) redirect(next);
  const error = typeof params.error === "string" ? params.error : undefined;
  return <LocalSignInForm next={next} initialError={error} />;
}
