/** The signed-in user's menu in local sign-in mode: who you are, and sign out. */
"use client";

import { LogOut } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "./ui/badge";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "./ui/dropdown-menu";

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [name.trim()];
  return letters
    .map((word) => [...(word ?? "")][0] ?? "")
    .join("")
    .toLocaleUpperCase()
    .slice(0, 2);
}

export function LocalUserMenu({ name }: { name: string }) {
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      const response = await fetch("/api/local-auth/sign-out", { method: "POST" });
      if (!response.ok) throw new Error(`sign-out answered ${response.status}`);
      // A full page load drops the Convex client and every cached query with the session.
      window.location.assign("/sign-in");
    } catch {
      setSigningOut(false);
      toast.error("Couldn't sign out", { description: "Check that the app is still running and try again." });
    }
  }

  return (
    <DropdownMenu>
      {/* Named by its content, not aria-label, so the visible initials are part of the name (axe). */}
      <DropdownMenuTrigger className="ml-1 flex size-8 items-center justify-center rounded-full bg-primary-soft text-xs font-semibold text-primary-soft-foreground transition-shadow hover:ring-2 hover:ring-border">
        <span aria-hidden="true">{initials(name)}</span>
        <span className="sr-only">Account: {name}</span>
      </DropdownMenuTrigger>
      <DropdownMenuContent className="w-64">
        <DropdownMenuLabel>
          <span className="block text-xs text-muted-foreground">Signed in as</span>
          <span className="block truncate font-medium">{name}</span>
          <Badge tone="warning" className="mt-1.5">
            Local development sign-in
          </Badge>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem
          disabled={signingOut}
          onSelect={(event) => {
            event.preventDefault();
            void signOut();
          }}
        >
          <LogOut aria-hidden="true" />
          {signingOut ? "Signing out…" : "Sign out"}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
