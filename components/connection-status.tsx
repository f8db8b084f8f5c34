/**
 * The server-away banner, and the state every screen reads through
 * `useServerStatus`. The server counts as away when, for
 * `SERVER_AWAY_AFTER_MS`, either the WebSocket is down (the client keeps
 * retrying) or it is open but the latest `health.ping` tick (a new one every
 * `PING_INTERVAL_MS`) has not been answered. The banner says which, and that
 * what is on screen may be out of date; pages keep what they had.
 */
"use client";

import { useConvexConnectionState, useQuery } from "convex/react";
import { WifiOff } from "lucide-react";
import { useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { api } from "@/convex/_generated/api";
import { ServerStatusContext, useServerStatus } from "@/hooks/use-server-status";
import { useNow } from "@/hooks/use-now";

/** How long the server may be unreachable or silent before the banner shows (a quick reconnect goes unnoticed). */
export const SERVER_AWAY_AFTER_MS = 4000;
/** A new ping every this often: one trivial query per open tab. */
const PING_INTERVAL_MS = 5000;

const subscribeNever = () => () => undefined;

/**
 * Provides `useServerStatus` to `children` and shows the banner above them.
 * Client only: reading the connection state makes the Convex client open its
 * WebSocket, which must never happen during server rendering.
 */
export function ConnectionStatus({ children }: { children: ReactNode }) {
  const isClient = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  return isClient ? <ServerWatch>{children}</ServerWatch> : children;
}

function ServerWatch({ children }: { children: ReactNode }) {
  const { isWebSocketConnected, hasEverConnected, connectionRetries } = useConvexConnectionState();
  const tick = useNow(PING_INTERVAL_MS);
  const answered = useQuery(api.health.ping, tick === 0 ? "skip" : { at: tick }) !== undefined;
  const healthy = isWebSocketConnected && answered;
  const [away, setAway] = useState(false);

  useEffect(() => {
    if (healthy) return;
    const timer = setTimeout(() => setAway(true), SERVER_AWAY_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setAway(false);
    };
  }, [healthy]);

  const shown = away && !healthy;
  return (
    <ServerStatusContext value={{ away: shown }}>
      {shown && (
        <div
          role="status"
          data-testid="server-away"
          className="sticky top-0 z-40 flex flex-wrap items-center justify-center gap-x-2 gap-y-0.5 border-b border-warning/40 bg-warning-soft px-4 py-2 text-center text-sm text-warning-soft-foreground"
        >
          <WifiOff aria-hidden="true" className="size-4 shrink-0" />
          <strong className="font-semibold">Can&apos;t reach the server — retrying.</strong>{" "}
          <span>
            {!isWebSocketConnected
              ? hasEverConnected
                ? `Connection lost${connectionRetries > 0 ? ` (attempt ${connectionRetries + 1})` : ""}.`
                : "Still connecting."
              : "Connected, but the server isn't answering."}{" "}
            What you see may not be up to date; your typing is kept.
          </span>
        </div>
      )}
      {children}
    </ServerStatusContext>
  );
}

/**
 * In place of a skeleton that would otherwise spin forever: while the server
 * is away, says what is being waited for; otherwise shows `children` (the skeleton).
 */
export function ServerAwayNote({ what, children }: { what: string; children: ReactNode }) {
  const { away } = useServerStatus();
  if (!away) return children;
  return (
    <div
      role="status"
      data-testid="server-away-note"
      className="flex items-center gap-2 rounded-xl border border-dashed border-border px-4 py-8 text-sm text-muted-foreground"
    >
      <WifiOff aria-hidden="true" className="size-4 shrink-0" />
      Can&apos;t load {what} until the server answers. It retries by itself; nothing you typed is lost.
    </div>
  );
}
