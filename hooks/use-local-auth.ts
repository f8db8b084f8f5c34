/**
 * The `useAuth` hook `ConvexProviderWithAuth` needs in local sign-in mode.
 *
 * The server layout knows whether the request carries a valid session and
 * passes the user down (`LocalSessionContext`); Convex tokens are fetched from
 * `/api/local-auth/token` and reused until shortly before they expire, unless
 * Convex asks for a fresh one (`forceRefreshToken`). If the session is gone
 * (401), the browser is sent to the sign-in page.
 */
"use client";

import { createContext, useCallback, useContext, useMemo, useRef } from "react";

export type LocalUser = { name: string };

export const LocalSessionContext = createContext<LocalUser | null>(null);

/** Refetch a cached token when it has less than this left. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;

type CachedToken = { token: string; expiresAt: number };

export function useLocalSession(): LocalUser | null {
  return useContext(LocalSessionContext);
}

export function useLocalAuth() {
  const user = useContext(LocalSessionContext);
  const cached = useRef<CachedToken | null>(null);

  const fetchAccessToken = useCallback(
    async ({ forceRefreshToken }: { forceRefreshToken: boolean }): Promise<string | null> => {
      if (user === null) return null;
      const current = cached.current;
      if (!forceRefreshToken && current && current.expiresAt - Date.now() > TOKEN_REFRESH_MARGIN_MS) {
        return current.token;
      }
      try {
        const response = await fetch("/api/local-auth/token", { cache: "no-store", credentials: "same-origin" });
        if (response.status === 401) {
          cached.current = null;
          const next = `${window.location.pathname}${window.location.search}`;
          window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
          return null;
        }
        if (!response.ok) return null;
        const body = (await response.json()) as CachedToken;
        cached.current = body;
        return body.token;
      } catch {
        return null; // offline: Convex retries when it reconnects
      }
    },
    [user],
  );

  return useMemo(
    () => ({ isLoading: false, isAuthenticated: user !== null, fetchAccessToken }),
    [user, fetchAccessToken],
  );
}
