/** Clerk's sign-in form, mounted at /sign-in (catch-all route for its sub-steps). */
"use client";

import { SignIn } from "@clerk/nextjs";

export function ClerkSignIn() {
  return <SignIn routing="path" path="/sign-in" />;
}
