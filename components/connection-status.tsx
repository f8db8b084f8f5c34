/**
 * A small notice when the live connection to the backend is down, so stale
 * screens never pass for live ones. Waits a moment before showing, so a
 * quick reconnect goes unnoticed.
 */
"use client";

import { useConvexConnectionState } from "convex/react";
import { WifiOff } from "lucide-react";
import { useEffect, useState, useSyncExternalStore } from "react";

const SHOW_AFTER_MS = 2500;

const subscribeNever = () => () => undefined;

/**
 * Client only: reading the connection state makes the Convex client open its
 * WebSocket, which must never happen during server rendering.
 */
export function ConnectionStatus() {
  const isClient = useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
  return isClient ? <ConnectionNotice /> : null;
}

function ConnectionNotice() {
  const { isWebSocketConnected, hasEverConnected } = useConvexConnectionState();
  const [show, setShow] = useState(false);

  useEffect(() => {
    if (isWebSocketConnected) return;
    const timer = setTimeout(() => setShow(true), SHOW_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setShow(false);
    };
  }, [isWebSocketConnected]);

  if (!show || isWebSocketConnected) return null;
  return (
    <div
      role="status"
      className="fixed bottom-4 left-1/2 z-50 flex -translate-x-1/2 items-center gap-2 rounded-full border border-border bg-popover px-4 py-2 text-sm text-popover-foreground shadow-lg"
    >
      <WifiOff aria-hidden="true" className="size-4 text-muted-foreground" />
      {hasEverConnected ? "Connection lost. Reconnecting…" : "Connecting to the backend…"}
    </div>
  );
}
