/**
 * Root layout: document shell, global styles, toasts and tooltips. In Clerk
 * mode (a publishable key set at run time) everything sits in ClerkProvider,
 * `dynamic` so Clerk's script tags carry the request's CSP nonce (`proxy.ts`).
 * Rendered per request, so the auth mode is never frozen at build time.
 */
import { ClerkProvider } from "@clerk/nextjs";
import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { APP_NAME } from "@/components/app-name";
import { Toaster } from "@/components/ui/toaster";
import { TooltipProvider } from "@/components/ui/tooltip";
import { clerkPublishableKey } from "./_lib/runtime-env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: APP_NAME, template: `%s · ${APP_NAME}` },
  description: "Generate study questions in the background and review them with spaced repetition.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f9fafb" },
    { media: "(prefers-color-scheme: dark)", color: "#111318" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  const clerkKey = clerkPublishableKey();
  const body = (
    <body className="flex min-h-dvh flex-col">
      <TooltipProvider delayDuration={400}>{children}</TooltipProvider>
      <Toaster />
    </body>
  );
  return (
    <html lang="en">
      {clerkKey ? (
        <ClerkProvider publishableKey={clerkKey} signInUrl="/sign-in" dynamic>
          {body}
        </ClerkProvider>
      ) : (
        body
      )}
    </html>
  );
}
