/**
 * Convex for the Clerk mode: `ConvexProviderWithClerk` with Clerk's `useAuth`
 * (tokens from the "convex" JWT template), as Convex documents. Rendered only
 * under `ClerkProvider`, i.e. when a Clerk publishable key is configured.
 */
"use client";

import { useAuth } from "@clerk/nextjs";
import { ConvexReactClient } from "convex/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { useState, type ReactNode } from "react";
import { clientLogger } from "./client-logger";

export function ClerkConvexProvider({ convexUrl, children }: { convexUrl: string; children: ReactNode }) {
  const [client] = useState(() => new ConvexReactClient(convexUrl, { logger: clientLogger }));
  return (
    <ConvexProviderWithClerk client={client} useAuth={useAuth}>
      {children}
    </ConvexProviderWithClerk>
  );
}
