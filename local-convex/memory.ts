/**
 * The backend's memory ceiling (`--max-memory`). The per-client limits keep
 * a backend with a few busy clients far below it; this is the last bound,
 * for many clients at once: every `MEMORY_CHECK_MS` the resident memory is
 * sampled, and past `MEMORY_SHED_AT` of the ceiling the client holding the
 * most (output not yet written, query results; `clients.ts`) has its sockets
 * closed (1013, OverMemoryLimit). Only a client holding a real share
 * (`1 / MEMORY_SHED_MIN_SHARE` of the ceiling) is cut off, and then none for
 * `MEMORY_SHED_COOLDOWN_MS` (memory is given back to the system slowly), so
 * clients holding little are never cut off in turn.
 */
import { Clients, TRY_AGAIN_LATER } from "./clients";
import { MEMORY_CHECK_MS, MEMORY_SHED_AT, MEMORY_SHED_COOLDOWN_MS, MEMORY_SHED_MIN_SHARE } from "./limits";
import { log } from "./log";

/** Starts watching; returns the timer (clear it to stop). */
export function watchMemory(maxBytes: number, clients: Clients): ReturnType<typeof setInterval> {
  let quietUntil = 0;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss < maxBytes * MEMORY_SHED_AT || Date.now() < quietUntil) return;
    const heaviest = clients.heaviest();
    if (!heaviest || heaviest.bytes < maxBytes / MEMORY_SHED_MIN_SHARE) return;
    quietUntil = Date.now() + MEMORY_SHED_COOLDOWN_MS;
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    log.warn(
      `Memory at ${mb(rss)} of the ${mb(maxBytes)} ceiling: closing the connections of the client holding the most (${mb(heaviest.bytes)}).`,
    );
    for (const socket of clients.socketsOf(heaviest.key))
      socket.end(TRY_AGAIN_LATER, "OverMemoryLimit: the backend is near its memory ceiling");
  }, MEMORY_CHECK_MS);
  timer.unref();
  return timer;
}
