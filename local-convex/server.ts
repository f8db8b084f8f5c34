/**
 * A running local-convex in this process: the engine with the app loaded,
 * its durable store (snapshot + journal), scheduled functions and crons,
 * token verification, and one HTTP server for the HTTP function API and the
 * WebSocket sync endpoint (`/api/<version>/sync`, `/api/sync`). Browser
 * pages are served only from allowed origins (`origin.ts`); sockets,
 * requests, frames and memory are bounded per client (`limits.ts`,
 * `clients.ts`), and the whole process's memory by a ceiling
 * (`maxMemoryBytes`, `memory.ts`).
 *
 * Needs the loader hook of `engine/convexTestHook.ts` registered before
 * convex-test is imported: use `cli.ts`, or `startLocalConvex()` from
 * `index.ts`, which runs the CLI in a child process.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import path from "node:path";
import { WebSocketServer } from "ws";
import { TokenVerifier } from "./auth";
import { CronRunner, cronJobsOf } from "./crons";
import type { BackendStats } from "./engine/backendStats";
import { Engine, type DurabilityBarrier } from "./engine/engine";
import { importFile } from "./engine/modules";
import { ScheduledFunctionMonitor, resumeScheduledFunctions } from "./engine/scheduledFunctions";
import { handleHttpRequest } from "./http";
import { InFlightLimiter } from "./inFlight";
import { Clients } from "./clients";
import {
  DEFAULT_MAX_MEMORY_BYTES,
  HTTP_HEADERS_TIMEOUT_MS,
  HTTP_REQUEST_TIMEOUT_MS,
  MAX_FRAME_BYTES,
  MAX_HTTP_REQUESTS_PER_CLIENT,
  MAX_OPEN_SOCKETS,
} from "./limits";
import { watchMemory } from "./memory";
import { log } from "./log";
import { OriginPolicy } from "./origin";
import { JournalDamaged } from "./storage/journalScan";
import { DataFileLocked, lockDataFile } from "./storage/lock";
import { refuseDamagedJournal } from "./storage/recovery";
import { DurableStore } from "./storage/store";
import { MutationLog } from "./sync/mutationLog";
import { SyncSession } from "./sync/session";
import { SubscriptionHub } from "./sync/subscriptions";

export type LocalConvexOptions = {
  /** The app's root (with `convex/`). Default: the current directory. */
  projectDir?: string;
  /** Default 3210; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this is a development server). */
  host?: string;
  /** Default `<projectDir>/.local/convex-data.json`; null keeps data in memory only. */
  dataFile?: string | null;
  /** Modules to import before serving, in the same module graph as the app (e.g. to `setModelOverride`). */
  preload?: string[];
  /** Run cron jobs this many times faster (demos, tests). Default 1. */
  cronSpeed?: number;
  /** How many scheduled functions and cron runs may run at once (`engine/scheduledSlots.ts`). Default 10. */
  maxScheduledConcurrency?: number;
  /** Log every query run, not only the first of each subscription. */
  verbose?: boolean;
  /** Send a Ping after this long without other messages (the client gives up after 60 s). Default 15 s. */
  pingAfterMs?: number;
  /** Browser origins allowed besides loopback pages (e.g. the web app's URL when it is not on localhost). */
  allowOrigins?: string[];
  /**
   * If another backend holds the data file, load the app meanwhile and wait
   * up to this long for it to exit (then take over its data) instead of
   * refusing at once. Default 0.
   */
  waitForLockMs?: number;
  /** Start even if the journal is damaged: replay the records before the bad one, move the rest to a kept file. */
  salvage?: boolean;
  /** The memory ceiling (resident, bytes). Default `DEFAULT_MAX_MEMORY_BYTES` (1 GiB). */
  maxMemoryBytes?: number;
};

export type LocalConvex = {
  /** `http://host:port`, what clients take as the deployment URL. */
  url: string;
  port: number;
  /** Where data is kept, or null in memory. */
  dataFile: string | null;
  /** What was loaded, for the startup banner. */
  summary: string[];
  /** What it has run so far (`engine/backendStats.ts`). */
  stats(): BackendStats;
  /** Stops serving and writes a last snapshot. */
  close(): Promise<void>;
};

/** Thrown when the port is taken, with a message for the user. */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
}

/** Whether `error` is a refusal to start whose message says all (no stack trace needed). */
export function isStartRefusal(error: unknown): error is Error {
  return error instanceof PortInUseError || error instanceof DataFileLocked || error instanceof JournalDamaged;
}

/** Loads the app and starts serving. */
export async function createLocalConvex(options: LocalConvexOptions = {}): Promise<LocalConvex> {
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const host = options.host ?? "127.0.0.1";
  const origins = new OriginPolicy(options.allowOrigins ?? []);
  // Take the port first, so a busy port is reported before the slower loading;
  // requests arriving meanwhile wait for the app.
  let appReady!: (value: App | Promise<App>) => void;
  const app = new Promise<App>((resolve) => (appReady = resolve));
  app.catch(() => {}); // a failed start is reported by createLocalConvex itself
  const server = createServer(
    { headersTimeout: HTTP_HEADERS_TIMEOUT_MS, requestTimeout: HTTP_REQUEST_TIMEOUT_MS },
    (req, res) => {
      app
        .then((a) => handleHttpRequest(req, res, a))
        .catch((error: unknown) => {
          log.error("HTTP request failed", error);
          if (!res.headersSent)
            res
              .writeHead(500, { "Content-Type": "application/json" })
              .end(
                JSON.stringify({ code: "InternalError", message: `local-convex failed: ${(error as Error).message}` }),
              );
        });
    },
  );
  server.on("upgrade", (req, socket, head) => {
    if (!origins.allows(req.headers.origin))
      return void socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
    app.then((a) => a.upgrade(req, socket, head)).catch(() => socket.destroy());
  });
  const port = await listen(server, options.port ?? 3210, host);
  try {
    const loading = loadApp(projectDir, options, origins);
    appReady(loading);
    const loaded = await loading;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      dataFile: loaded.dataFile?.file ?? null,
      summary: loaded.summary,
      stats: () => loaded.engine.stats(),
      close: () => loaded.close(server),
    };
  } catch (error) {
    server.close();
    throw error;
  }
}

/** The loaded app: what requests and sockets are handled with. */
type App = {
  engine: Engine;
  verifier: TokenVerifier;
  origins: OriginPolicy;
  inFlight: InFlightLimiter;
  clients: Clients;
  durable: DurabilityBarrier;
  dataFile: DurableStore | null;
  summary: string[];
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(server: Server): Promise<void>;
};

async function loadApp(projectDir: string, options: LocalConvexOptions, origins: OriginPolicy): Promise<App> {
  const verbose = options.verbose ?? false;
  const dataFilePath =
    options.dataFile === null ? null : path.resolve(projectDir, options.dataFile ?? ".local/convex-data.json");
  // Claim the data file first, so a second backend is refused at once; or, when waiting for it, after loading the app.
  const waitForLockMs = options.waitForLockMs ?? 0;
  let unlockDataFile = dataFilePath && waitForLockMs === 0 ? await lockDataFile(dataFilePath) : null;
  try {
    if (unlockDataFile && !options.salvage) refuseDamagedJournal(dataFilePath!); // before the slower loading, too
  } catch (error) {
    unlockDataFile?.();
    throw error;
  }
  for (const module of options.preload ?? []) await importFile(path.resolve(projectDir, module));

  const engine = await Engine.load({ projectDir, maxScheduledConcurrency: options.maxScheduledConcurrency });
  if (dataFilePath && !unlockDataFile) unlockDataFile = await lockDataFile(dataFilePath, { waitMs: waitForLockMs });
  const verifier = TokenVerifier.fromAuthConfig(await engine.importConvexModule("auth.config"));
  const mutations = new MutationLog();
  new ScheduledFunctionMonitor(engine, { verbose });
  const summary: string[] = [];

  // Data: restore (snapshot + journal), repair what the last process left running, then journal every commit.
  const loadStarted = performance.now();
  let opened: ReturnType<typeof DurableStore.open> | null = null;
  try {
    if (dataFilePath) opened = DurableStore.open({ file: dataFilePath, engine, mutations, salvage: options.salvage });
  } catch (error) {
    unlockDataFile?.();
    throw error;
  }
  const dataFile = opened?.store ?? null;
  const restored = opened?.restored ?? null;
  for (const warning of restored?.warnings ?? []) log.warn(warning);
  if (restored?.removedTemporaryFiles)
    log.warn(`Removed ${restored.removedTemporaryFiles} unfinished snapshot(s) a previous process left behind.`);
  if (restored?.found) engine.buildIndexes(); // now rather than on the first queries
  const loadSeconds = ((performance.now() - loadStarted) / 1000).toFixed(1);
  const durable: DurabilityBarrier = (ts) => dataFile?.barrier(ts);
  engine.setDurabilityBarrier(durable);
  const { interrupted, pending, deleted } = resumeScheduledFunctions(engine);
  for (const name of interrupted) log.warn(`${name} was running when local-convex stopped: marked failed.`);
  if (interrupted.length > 0 || deleted > 0) dataFile?.requestSnapshot();
  const replayed = restored?.replayed ? `, ${restored.replayed} journaled commits replayed` : "";
  summary.push(
    dataFilePath
      ? `data:       ${path.relative(projectDir, dataFilePath) || dataFilePath} (${restored?.found ? `${restored.documents} documents restored in ${loadSeconds}s${replayed}` : "new"}${pending ? `, ${pending} scheduled functions pending` : ""})`
      : "data:       in memory only",
  );

  const crons = new CronRunner(engine, cronJobsOf(await engine.importConvexModule("crons")), options.cronSpeed ?? 1);
  summary.push(`functions:  ${engine.publicFunctions().length} public`);
  const components = engine.componentPaths().filter((p) => p !== "");
  if (components.length > 0) summary.push(`components: ${components.join(", ")}`);
  summary.push(`auth:       ${verifier.describe().join("; ") || "no providers (all clients are anonymous)"}`);
  summary.push(`browsers:   ${origins.describe()}`);
  if (await engine.importConvexModule("http"))
    summary.push("note:       HTTP actions (convex/http.ts) are not served by local-convex");
  for (const line of crons.describe()) summary.push(`cron:       ${line}`);
  summary.push(`scheduler:  at most ${engine.scheduledSlots.limit} scheduled functions and cron jobs at once`);

  // Sync sockets, and the timers that keep them alive (the client gives up after 60 s of silence).
  const hub = new SubscriptionHub(engine, { verbose });
  const sessions = new Set<SyncSession>();
  const clients = new Clients();
  const memory = watchMemory(options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES, clients);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const pingAfterMs = options.pingAfterMs ?? 15_000;
  const heartbeat = setInterval(
    () => {
      for (const session of sessions) session.keepAlive(pingAfterMs);
    },
    Math.max(10, Math.min(pingAfterMs / 3, 5000)),
  );
  heartbeat.unref();
  const liveness = setInterval(() => {
    for (const session of sessions) session.terminateIfSilent(120_000);
  }, 30_000);
  liveness.unref();
  crons.start();

  let closing: Promise<void> | null = null;
  return {
    engine,
    verifier,
    origins,
    inFlight: new InFlightLimiter(MAX_HTTP_REQUESTS_PER_CLIENT),
    clients,
    durable,
    dataFile,
    summary,
    upgrade(req, socket, head) {
      if (!/^\/api\/([^/]+\/)?sync$/.test(new URL(req.url ?? "/", "http://local").pathname)) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      if (sessions.size >= MAX_OPEN_SOCKETS || !clients.mayOpen(req.socket.remoteAddress ?? null)) {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const request = { ip: req.socket.remoteAddress ?? null, userAgent: req.headers["user-agent"] ?? null };
        const session = new SyncSession(ws, { engine, hub, verifier, mutations, request, durable, clients });
        sessions.add(session);
        ws.on("close", () => sessions.delete(session));
      });
    },
    close: (server) =>
      (closing ??= (async () => {
        crons.stop();
        clearInterval(memory);
        clearInterval(heartbeat);
        clearInterval(liveness);
        for (const session of sessions) session.close(1001, "local-convex is shutting down");
        wss.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dataFile?.close();
        unlockDataFile?.();
      })()),
  };
}

/**
 * Connections the kernel may hold for the server before it accepts them
 * (Node's default is 511; Linux caps it at `net.core.somaxconn`, 4096 by
 * default): a client opening thousands of connections at once could
 * otherwise fill the queue, and everybody else's new connections would be
 * dropped and retried seconds later.
 */
const LISTEN_BACKLOG = 4096;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(
              `Port ${port} on ${host} is already in use (another local-convex or Convex backend?). Choose another with --port.`,
            )
          : error,
      );
    });
    server.listen(port, host, LISTEN_BACKLOG, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
