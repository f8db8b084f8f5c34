/**
 * Convex (any backend: local-convex or a deployment) for the local sign-in mode: one `ConvexReactClient` for the page's
 * lifetime, authenticated with tokens from `/api/local-auth/token` through
 * `ConvexProviderWithAuth` and `useLocalAuth`.
 */
"use client";

import { ConvexProviderWithAuth, ConvexReactClient } from "convex/react";
import { useState, type ReactNode } from "react";
import { LocalSessionContext, useLocalAuth, type LocalUser } from "@/hooks/use-local-auth";
import { clientLogger } from "./client-logger";

type LocalAuthConvexProviderProps = { convexUrl: string; user: LocalUser; children: ReactNode };

export function LocalAuthConvexProvider({ convexUrl, user, children }: LocalAuthConvexProviderProps) {
  const [client] = useState(() => new ConvexReactClient(convexUrl, { logger: clientLogger }));
  return (
    <LocalSessionContext value={user}>
      <ConvexProviderWithAuth client={client} useAuth={useLocalAuth}>
        {children}
      </ConvexProviderWithAuth>
    </LocalSessionContext>
  );
}
