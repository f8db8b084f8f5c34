/**
 * `tsx local-convex/cli.ts` (`npm run backend`): starts local-convex for the
 * app in the current directory.
 *
 *   --port <n>            port to listen on (default 3210; 0 = any free port)
 *   --host <address>      address to listen on (default 127.0.0.1)
 *   --data <file>         data file (default .local/convex-data.json)
 *   --in-memory           keep no data file
 *   --preload <module>    import a module first, in the app's module graph
 *                         (e.g. one that calls setModelOverride); repeatable
 *   --cron-speed <factor> run cron jobs <factor> times faster
 *   --verbose             log every query run
 *   --ping-after-ms <ms>  idle time before a keep-alive Ping (default 15000)
 *   --allow-origin <url>  let browser pages from this origin connect, besides
 *                         loopback ones (e.g. the web app's URL); repeatable
 *   --wait-for-lock <ms>  if another backend uses the data file, load the app
 *                         and wait up to <ms> for it to exit, then take over
 *   --max-scheduled-concurrency <n>
 *                         run at most <n> scheduled functions and cron jobs at
 *                         once (default: LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY,
 *                         else 10, as on Convex's Starter plan)
 *   --salvage             start from a damaged journal: replay the records
 *                         before the bad one, move the rest to a kept file
 *   --max-memory <MB>     memory ceiling (default 1024): past 90% of it, the
 *                         client holding the most is disconnected
 *
 * Started by `startLocalConvex()` (index.ts) with an IPC channel, it reports
 * `{type:"ready", url, port}` or `{type:"error", message}` there, answers
 * `{type:"stats", id}` with `{type:"stats", id, stats}` (`engine/backendStats.ts`),
 * and exits when its parent goes away.
 */
import { register } from "node:module";
import { parseArgs } from "node:util";
import type { BackendStats } from "./engine/backendStats";

// Before anything imports convex-test: expose its internals (see the hook's comment).
register("./engine/convexTestHook.ts", import.meta.url);
const { createLocalConvex, isStartRefusal } = await import("./server");
const { color, log } = await import("./log");
const { normalizeOrigin } = await import("./origin");
const { maxScheduledConcurrency } = await import("./engine/scheduledSlots");

const USAGE =
  "Usage: tsx local-convex/cli.ts [--port 3210] [--data .local/convex-data.json | --in-memory] [--preload <module>]... [--cron-speed <factor>] [--verbose] [--allow-origin <url>]... [--wait-for-lock <ms>] [--max-scheduled-concurrency <n>] [--salvage] [--max-memory <MB>]";

type ParentMessage =
  | { type: "ready"; url: string; port: number }
  | { type: "error"; message: string }
  | { type: "stats"; id: number; stats: BackendStats };
const tellParent = (message: ParentMessage) => process.send?.(message);

let options;
try {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3210" },
      host: { type: "string", default: "127.0.0.1" },
      data: { type: "string" },
      "in-memory": { type: "boolean", default: false },
      preload: { type: "string", multiple: true, default: [] },
      "cron-speed": { type: "string", default: "1" },
      verbose: { type: "boolean", default: false },
      "ping-after-ms": { type: "string" },
      "allow-origin": { type: "string", multiple: true, default: [] },
      "wait-for-lock": { type: "string", default: "0" },
      "max-scheduled-concurrency": { type: "string" },
      salvage: { type: "boolean", default: false },
      "max-memory": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string | undefined, min: number) => {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n < min)
      throw new Error(`--${name} must be a number >= ${min}, got ${text}`);
    return n;
  };
  options = {
    port: number("port", values.port, 0),
    host: values.host,
    dataFile: values["in-memory"] ? null : (values.data ?? ".local/convex-data.json"),
    preload: values.preload,
    cronSpeed: number("cron-speed", values["cron-speed"], Number.MIN_VALUE),
    verbose: values.verbose,
    waitForLockMs: number("wait-for-lock", values["wait-for-lock"], 0),
    maxScheduledConcurrency: maxScheduledConcurrency(values["max-scheduled-concurrency"]),
    salvage: values.salvage,
    ...(values["max-memory"] !== undefined
      ? { maxMemoryBytes: number("max-memory", values["max-memory"], 64) * 1024 * 1024 }
      : {}),
    allowOrigins: values["allow-origin"].map((origin) => {
      try {
        return normalizeOrigin(origin);
      } catch {
        throw new Error(`--allow-origin must be an http(s) origin such as http://192.168.1.5:3000, got ${origin}`);
      }
    }),
    ...(values["ping-after-ms"] !== undefined
      ? { pingAfterMs: number("ping-after-ms", values["ping-after-ms"], 10) }
      : {}),
  };
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

// A function's stray promise or timer must not take the whole backend (and its data) down.
process.on("unhandledRejection", (reason) =>
  log.error("Unhandled promise rejection (a function left a promise unawaited?):", reason),
);
process.on("uncaughtException", (error) => log.error("Uncaught exception (a function's timer or callback?):", error));

try {
  const server = await createLocalConvex(options);
  log.info(color.bold(`local-convex ready at ${color.green(server.url)}`));
  for (const line of server.summary) log.info(`  ${line}`);
  tellParent({ type: "ready", url: server.url, port: server.port });
  process.on("message", (message: { type?: string; id?: number }) => {
    if (message?.type === "stats" && typeof message.id === "number")
      tellParent({ type: "stats", id: message.id, stats: server.stats() });
  });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`Stopping (${why}); saving data...`);
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => {
    if (stopping) process.exit(1); // a second Ctrl-C: do not wait
    void stop("SIGINT");
  });
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("disconnect", () => void stop("parent exited"));
} catch (error) {
  // A refusal explains itself (a busy port, a locked or damaged data file); anything else gets its stack.
  const message = isStartRefusal(error)
    ? error.message
    : `local-convex could not start: ${(error as Error).stack ?? String(error)}`;
  log.error(message);
  tellParent({ type: "error", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
