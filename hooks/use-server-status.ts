/**
 * Whether the server is away (unreachable, or connected but not answering),
 * as decided once by `ConnectionStatus` (`components/connection-status.tsx`)
 * and read by any screen that would otherwise show skeletons forever.
 */
"use client";

import { createContext, useContext } from "react";

export type ServerStatus = {
  /** True once the server has been unreachable or silent for `SERVER_AWAY_AFTER_MS`. */
  away: boolean;
};

export const ServerStatusContext = createContext<ServerStatus>({ away: false });

export function useServerStatus(): ServerStatus {
  return useContext(ServerStatusContext);
}
