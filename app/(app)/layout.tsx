/**
 * Layout of every signed-in screen. Reads the Convex URL and the auth mode at
 * request time and hands them to the client: the local session (verified
 * here, not just present) or Clerk; with neither, everyone is sent to the
 * sign-in page, which says sign-in is not configured. Without a Convex URL it explains how to
 * configure one instead of failing.
 */
import { auth } from "@clerk/nextjs/server";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell";
import { BackendNotConfigured } from "@/components/backend-not-configured";
import { ClerkConvexProvider } from "@/components/providers/clerk-convex-provider";
import { ClerkUserMenu } from "@/components/providers/clerk-user-menu";
import { LocalAuthConvexProvider } from "@/components/providers/local-auth-convex-provider";
import { LocalUserMenu } from "@/components/user-menu";
import { SIGN_IN_PATH } from "@/app/_lib/local-auth/constants";
import { readSession } from "@/app/_lib/local-auth/session";
import { authMode, convexUrl } from "@/app/_lib/runtime-env";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const url = convexUrl();
  if (!url) return <BackendNotConfigured />;

  const mode = authMode();
  if (mode === "clerk") {
    await auth.protect(); // signed-out visitors go to Clerk's sign-in (/sign-in)
    return (
      <ClerkConvexProvider convexUrl={url}>
        <AppShell userMenu={<ClerkUserMenu />}>{children}</AppShell>
      </ClerkConvexProvider>
    );
  }

  const session = mode === "local" ? await readSession() : null;
  if (!session) redirect(SIGN_IN_PATH); // and with no sign-in configured, that page says so
  return (
    <LocalAuthConvexProvider convexUrl={url} user={{ name: session.name }}>
      <AppShell userMenu={<LocalUserMenu name={session.name} />}>{children}</AppShell>
    </LocalAuthConvexProvider>
  );
}
