/**
 * local-convex's package entry: everything code outside `local-convex/` may
 * use (ESLint refuses deep imports). What the callers do with it:
 *
 * - run a backend in a child process (tests, the end-to-end suite, the
 *   benchmark, `npm run dev`): `startLocalConvex`;
 *
 *     const backend = await startLocalConvex({ port: 0, dataFile, env, preload });
 *     new ConvexClient(backend.url, ...);
 *     await backend.stats();          // executions per function, scheduler start delays, peak memory
 *     await backend.close();          // SIGTERM: writes a last snapshot, then exits
 *     await backend.kill();           // SIGKILL: a crash (for recovery tests)
 *
 *   A child process keeps each backend's environment (auth providers and the
 *   model are read from `process.env`), its module instances and its loader
 *   hook to itself, and lets a test kill it like a crashed server;
 * - run the app's functions in this process, without a server (`npm run
 *   generate`, the benchmark's meters): `loadEngine`;
 * - sign tokens the backend trusts (tests, the benchmark): `startTestIssuer`;
 * - replay random choices from a seed (tests, `npm run bench:scale`'s arrivals): `seededRandom`;
 * - decide which browser pages may connect (`npm run dev`): `isLoopbackOrigin`;
 * - read how many scheduled functions may run at once (a flag's value, else
 *   `LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY`, else the default), refusing a
 *   bad value: `maxScheduledConcurrency`, `DEFAULT_MAX_SCHEDULED_CONCURRENCY`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire, register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BackendStats } from "./engine/backendStats";
import type { Engine } from "./engine/engine";
import { MAX_SCHEDULED_CONCURRENCY_FLAG, maxScheduledConcurrency } from "./engine/scheduledSlots";
import type { LocalConvexOptions } from "./server";

export type { BackendStats } from "./engine/backendStats";
export type { Engine } from "./engine/engine";
export { DEFAULT_MAX_SCHEDULED_CONCURRENCY, maxScheduledConcurrency } from "./engine/scheduledSlots";
export { isLoopbackOrigin } from "./origin";
export { startTestIssuer, type TestIssuer } from "./test/issuer";
export { seededRandom } from "./test/seededRandom";

/** The backend's own options (`LocalConvexOptions`, documented there) as `startLocalConvex` passes them to its
 * child process as flags, and what only a child process has. */
export type StartOptions = Pick<
  LocalConvexOptions,
  | "preload"
  | "cronSpeed"
  | "maxScheduledConcurrency"
  | "verbose"
  | "pingAfterMs"
  | "allowOrigins"
  | "waitForLockMs"
  | "salvage"
> & {
  /** Default 0: any free port. */
  port?: number;
  /** Data file; null (default) keeps data in memory only. */
  dataFile?: string | null;
  /** Environment variables for the backend (added to this process's). */
  env?: Record<string, string | undefined>;
  /** The memory ceiling in MB (`--max-memory`, default 1024). */
  maxMemoryMb?: number;
  /** The app's root (default: the current directory). */
  projectDir?: string;
  /** Receives every output line of the backend (default: kept in `output` only). */
  onOutput?: (line: string) => void;
  /** How long to wait for the backend to be ready (default 30 s). */
  startTimeoutMs?: number;
};

export type LocalConvexProcess = {
  url: string;
  port: number;
  process: ChildProcess;
  /** The backend's output so far, line by line. */
  output: string[];
  /** Stops it gracefully (a last snapshot written). Resolves with its exit code. */
  close(): Promise<number | null>;
  /** Kills it without warning (SIGKILL, a crash): what it acknowledged is in its journal. */
  kill(): Promise<void>;
  /** What it has run so far: executions per function, scheduled functions' and cron runs' start delays, peak memory. */
  stats(): Promise<BackendStats>;
};

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));

/** Starts a local-convex backend in a child process and resolves once it serves. */
export async function startLocalConvex(options: StartOptions = {}): Promise<LocalConvexProcess> {
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const args = ["--port", String(options.port ?? 0)];
  if (options.dataFile) args.push("--data", path.resolve(options.dataFile));
  else args.push("--in-memory");
  for (const module of options.preload ?? []) args.push("--preload", path.resolve(module));
  if (options.cronSpeed !== undefined) args.push("--cron-speed", String(options.cronSpeed));
  if (options.maxScheduledConcurrency !== undefined)
    args.push(MAX_SCHEDULED_CONCURRENCY_FLAG, String(options.maxScheduledConcurrency));
  if (options.verbose) args.push("--verbose");
  if (options.pingAfterMs !== undefined) args.push("--ping-after-ms", String(options.pingAfterMs));
  for (const origin of options.allowOrigins ?? []) args.push("--allow-origin", origin);
  if (options.waitForLockMs !== undefined) args.push("--wait-for-lock", String(options.waitForLockMs));
  if (options.salvage) args.push("--salvage");
  if (options.maxMemoryMb !== undefined) args.push("--max-memory", String(options.maxMemoryMb));

  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--import", tsx, CLI, ...args], {
    cwd: projectDir,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        options.onOutput?.(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`local-convex did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output.join("\n")}`),
      );
    }, options.startTimeoutMs ?? 30_000);
    child.on("message", (message: { type: string; url?: string; port?: number; message?: string }) => {
      clearTimeout(timer);
      if (message.type === "ready") resolve({ url: message.url!, port: message.port! });
      else reject(new Error(`local-convex could not start: ${message.message}\n${output.join("\n")}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local-convex exited with code ${code} before it was ready:\n${output.join("\n")}`));
    });
  });

  return {
    ...ready,
    process: child,
    output,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stats: () => askStats(child),
  };
}

let statsRequests = 0;

/** Asks the backend in `child` for its stats over IPC (`cli.ts` answers). */
function askStats(child: ChildProcess): Promise<BackendStats> {
  const id = ++statsRequests;
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; id?: number; stats?: BackendStats }) => {
      if (message?.type !== "stats" || message.id !== id) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message.stats!);
    };
    const onExit = () => {
      child.off("message", onMessage);
      reject(new Error("local-convex exited before it answered the stats request"));
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send({ type: "stats", id });
  });
}

let hookRegistered = false;

/**
 * The app's functions on local-convex's engine in this process: no server,
 * no data file, scheduled functions and their slots as in a backend, but no
 * crons. Call it before anything in the process imports convex-test (it
 * registers the loader hook the engine needs; see `engine/convexTestHook.ts`).
 */
export async function loadEngine(
  options: { projectDir?: string; maxScheduledConcurrency?: number } = {},
): Promise<Engine> {
  if (!hookRegistered) {
    register("./engine/convexTestHook.ts", import.meta.url);
    hookRegistered = true;
  }
  const { Engine } = await import("./engine/engine");
  return await Engine.load({
    projectDir: path.resolve(options.projectDir ?? process.cwd()),
    maxScheduledConcurrency: maxScheduledConcurrency(options.maxScheduledConcurrency),
  });
}
