/** The user menu in Clerk mode: Clerk's own account button (profile, sign out). */
"use client";

import { UserButton } from "@clerk/nextjs";

export function ClerkUserMenu() {
  return (
    <div className="ml-1 flex size-8 items-center justify-center">
      <UserButton />
    </div>
  );
}
