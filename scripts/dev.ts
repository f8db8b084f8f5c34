/**
 * `npm run dev`: the whole app with one command; one Ctrl-C stops it all.
 *
 * - Offline (the default: neither NEXT_PUBLIC_CONVEX_URL nor CONVEX_DEPLOYMENT
 *   is set, in the environment or in .env/.env.local): local-convex on port
 *   3210 (or the next free one) and `next dev` on 3000 (or the next free one).
 *   Both get CONVEX_URL and NEXT_PUBLIC_CONVEX_URL (the backend),
 *   LOCAL_AUTH_ISSUER (the web app, whose local sign-in signs the tokens the
 *   backend verifies), and the flags that turn on the two development
 *   shortcuts: ENABLE_LOCAL_SIGN_IN and ENABLE_SAMPLE_MODEL. Data is kept in .local/convex-data.json. Changes under
 *   convex/, lib/ or types/ restart the backend (data kept; clients reconnect).
 * - With a deployment configured: `npx convex dev` and `next dev`, as usual.
 *
 *   npm run dev                        # offline, or against the configured deployment
 *   npm run dev -- --port 4000         # the web app on 4000 (or PORT=4000); it must be free
 *   npm run dev -- --backend-port 4100 # offline, local-convex on 4100 (or BACKEND_PORT=4100)
 *   npm run dev -- --no-watch          # offline, without restarting on changes
 *   npm run dev -- --cron-speed 60     # offline, cron jobs 60 times faster (demos)
 *   npm run dev -- --verbose           # offline, log every query run
 *   npm run dev -- --max-scheduled-concurrency 300   # offline, scheduled functions 300 at once
 *                                      # (default: LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY, else 10, as on Convex Starter)
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, parseEnv } from "node:util";
import { isLoopbackOrigin, maxScheduledConcurrency, startLocalConvex, type LocalConvexProcess } from "local-convex";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const cyan = paint(36);
const magenta = paint(35);
const red = paint(31);

/** The environment `next dev` would see: .env, then .env.local, then the real environment. */
export function loadEnv(root: string): NodeJS.ProcessEnv {
  const fromFiles: Record<string, string> = {};
  for (const file of [".env", ".env.local"].map((f) => path.join(root, f)).filter(existsSync)) {
    Object.assign(fromFiles, parseEnv(readFileSync(file, "utf8")));
  }
  return { ...fromFiles, ...process.env };
}

/** Whether `port` is free on the loopback and on all interfaces. */
async function isFree(port: number): Promise<boolean> {
  for (const host of ["127.0.0.1", "::"]) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", (error: NodeJS.ErrnoException) =>
        resolve(error.code === "EAFNOSUPPORT" || error.code === "EADDRNOTAVAIL"),
      );
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** The first port from `from` that is free (and not in `avoid`). */
export async function freePort(from: number, avoid: number[] = []): Promise<number> {
  for (let port = from; port < from + 100; port++) {
    if (!avoid.includes(port) && (await isFree(port))) return port;
  }
  throw new Error(`No free port in ${from}..${from + 99}`);
}

/** Ports asked for on the command line or in the environment; a flag wins over its variable. */
export type RequestedPorts = { web: number | null; backend: number | null };

/**
 * The ports a developer asked for: `--port` or `PORT` for the web app,
 * `--backend-port` or `BACKEND_PORT` for local-convex; null where none was
 * asked for (the first free one from the default is taken). Throws with a
 * plain message for anything that is not a port.
 */
export function requestedPorts(
  flags: { port?: string; "backend-port"?: string },
  env: Record<string, string | undefined>,
): RequestedPorts {
  const parse = (value: string | undefined, name: string): number | null => {
    if (value === undefined || value === "") return null;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new Error(`${name} must be a port number from 1 to 65535, got "${value}".`);
    return port;
  };
  const web = parse(flags.port ?? env.PORT, flags.port !== undefined ? "--port" : "PORT");
  const backend = parse(
    flags["backend-port"] ?? env.BACKEND_PORT,
    flags["backend-port"] !== undefined ? "--backend-port" : "BACKEND_PORT",
  );
  if (web !== null && web === backend) throw new Error(`The web app and the backend can't share port ${web}.`);
  return { web, backend };
}

/** `port` when it is free, or a plain error saying how to pick another. */
async function claimPort(port: number, what: string, flag: string): Promise<number> {
  if (await isFree(port)) return port;
  throw new Error(`Port ${port} for the ${what} is in use. Free it, or pick another with ${flag}.`);
}

/** Prints a child's output lines with a label. */
function prefixLines(label: string, stream: NodeJS.ReadableStream | null): void {
  if (!stream) return;
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) console.log(`${label} ${line}`);
  });
}

function nextDev(port: number, env: NodeJS.ProcessEnv, stdio: "pipe" | "inherit"): ChildProcess {
  const nextBin = require.resolve("next/dist/bin/next");
  const io: StdioOptions = ["ignore", stdio, stdio];
  return spawn(process.execPath, [nextBin, "dev", "--port", String(port)], { cwd: root, env, stdio: io });
}

/** Resolves once something answers HTTP on `port` (Next compiles on first request). */
async function waitForHttp(port: number, child: ChildProcess, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/local-auth/jwks`, { signal: AbortSignal.timeout(30_000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}

/** Stops children: they got the terminal's Ctrl-C too, so first give them a moment; then ask, then insist. */
async function stopChildren(children: ChildProcess[], alreadySignalled: boolean): Promise<void> {
  const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = () => Promise.all(running().map((c) => new Promise((resolve) => c.once("exit", resolve))));
  const within = (ms: number) => Promise.race([exited(), new Promise((r) => setTimeout(r, ms))]);
  if (alreadySignalled) await within(1500);
  for (const child of running()) child.kill("SIGTERM");
  await within(8000);
  for (const child of running()) child.kill("SIGKILL");
}

type OfflineOptions = {
  watch: boolean;
  cronSpeed: number;
  verbose: boolean;
  maxScheduledConcurrency: number;
  ports: RequestedPorts;
};

async function runOffline(env: NodeJS.ProcessEnv, options: OfflineOptions): Promise<void> {
  const { ports } = options;
  const convexPort =
    ports.backend !== null
      ? await claimPort(ports.backend, "backend", "--backend-port")
      : await freePort(3210, ports.web !== null ? [ports.web] : []);
  const nextPort =
    ports.web !== null ? await claimPort(ports.web, "web app", "--port") : await freePort(3000, [convexPort]);
  const convexUrl = `http://127.0.0.1:${convexPort}`;
  const appUrl = `http://localhost:${nextPort}`;
  const shared = {
    CONVEX_URL: convexUrl,
    NEXT_PUBLIC_CONVEX_URL: convexUrl,
    LOCAL_AUTH_ISSUER: `http://127.0.0.1:${nextPort}`,
    // Development shortcuts, off unless enabled: the name-only sign-in (web
    // app) and the offline sample model when no model is configured (backend).
    ENABLE_LOCAL_SIGN_IN: "1",
    ENABLE_SAMPLE_MODEL: "1",
    ...(tty ? { FORCE_COLOR: "1" } : {}),
  };
  const childEnv = { ...env, ...shared };
  const backendLabel = cyan("convex │");
  const nextLabel = magenta("next   │");

  let backend: LocalConvexProcess | null = null;
  const startBackend = async () => {
    try {
      backend = await startLocalConvex({
        port: convexPort,
        dataFile: path.join(root, ".local/convex-data.json"),
        env: childEnv,
        projectDir: root,
        cronSpeed: options.cronSpeed,
        maxScheduledConcurrency: options.maxScheduledConcurrency,
        verbose: options.verbose,
        // Browser pages may reach the backend only from loopback origins and these.
        allowOrigins: isLoopbackOrigin(appUrl) ? [] : [appUrl],
        onOutput: (line) => console.log(`${backendLabel} ${line}`),
      });
      backend.process.once("exit", (code, signal) => {
        if (!stopping && !restarting) {
          console.log(
            `${backendLabel} ${red(`local-convex exited (${signal ?? `code ${code}`}); waiting for a change under convex/ to start it again.`)}`,
          );
        }
      });
    } catch (error) {
      backend = null;
      console.log(`${backendLabel} ${red((error as Error).message.split("\n")[0]!)}`);
      console.log(
        `${backendLabel} ${dim("Fix the problem; the backend starts again when a file under convex/ changes.")}`,
      );
    }
  };

  let stopping = false;
  let restarting = false;
  await startBackend();
  const next = nextDev(nextPort, childEnv, "pipe");
  prefixLines(nextLabel, next.stdout);
  prefixLines(nextLabel, next.stderr);

  const stop = async (alreadySignalled: boolean, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(dim("\nStopping the web app and the backend (data is saved)..."));
    await stopChildren([next, ...(backend ? [backend.process] : [])], alreadySignalled);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(true));
  process.on("SIGTERM", () => void stop(false));
  process.on("SIGHUP", () => void stop(false));
  next.once("exit", (code) => {
    if (stopping) return;
    console.log(red(`next dev exited (code ${code}).`));
    void stop(false, code ?? 1);
  });

  if (options.watch) {
    let restarts = Promise.resolve();
    watchSources(root, ["convex", "lib", "types"], (changed) => {
      restarts = restarts.then(async () => {
        if (stopping) return;
        restarting = true;
        console.log(
          `${backendLabel} ${dim(`${changed.join(", ")} changed: restarting local-convex (data is kept)...`)}`,
        );
        if (backend) await backend.close();
        restarting = false;
        await startBackend();
      });
    });
  }

  if (await waitForHttp(nextPort, next)) {
    const model = env.GOOGLE_GENERATIVE_AI_API_KEY
      ? "Gemini (GOOGLE_GENERATIVE_AI_API_KEY)"
      : env.OPENAI_COMPATIBLE_BASE_URL
        ? `OpenAI-compatible server at ${env.OPENAI_COMPATIBLE_BASE_URL}`
        : "the offline sample model (set GOOGLE_GENERATIVE_AI_API_KEY for real questions)";
    const signIn = env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY
      ? "Clerk"
      : "local sign-in (a name is enough; for development only)";
    console.log(
      [
        "",
        bold(`  ▶ App ready: ${green(appUrl)}`),
        `    Backend:  local-convex at ${convexUrl} ${dim("(offline; data in .local/convex-data.json)")}`,
        `    Model:    ${model}`,
        `    Sign-in:  ${signIn}`,
        dim("    Ctrl-C stops both."),
        "",
      ].join("\n"),
    );
  }
}

/**
 * Calls `onChange` (debounced) with the source files under `dirs` whose
 * content changed: saving a file unchanged, or touching it, restarts nothing.
 */
export function watchSources(root: string, dirs: string[], onChange: (files: string[]) => void): () => void {
  const isSource = (file: string) =>
    /\.(ts|tsx|js|mjs|cjs|json)$/.test(file) && !/(^|[/\\])\./.test(file) && !/\.test\.tsx?$/.test(file);
  const digest = (file: string) => {
    try {
      return createHash("sha1").update(readFileSync(file)).digest("hex");
    } catch {
      return "(deleted)";
    }
  };
  const digests = new Map<string, string>();
  const changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const watchers: FSWatcher[] = [];
  for (const dir of dirs.map((d) => path.join(root, d)).filter(existsSync)) {
    for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
      if (isSource(file)) digests.set(path.join(dir, file), digest(path.join(dir, file)));
    }
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (!file || !isSource(file)) return;
      const full = path.join(dir, file);
      const now = digest(full);
      if (digests.get(full) === now) return;
      digests.set(full, now);
      changed.add(path.relative(root, full));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        onChange([...changed]);
        changed.clear();
      }, 300);
    });
    watchers.push(watcher);
  }
  return () => {
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

async function runWithDeployment(env: NodeJS.ProcessEnv, ports: RequestedPorts): Promise<void> {
  const nextPort = ports.web !== null ? await claimPort(ports.web, "web app", "--port") : await freePort(3000);
  const target = env.CONVEX_DEPLOYMENT ? `deployment ${env.CONVEX_DEPLOYMENT}` : env.NEXT_PUBLIC_CONVEX_URL;
  console.log(bold(`Using the Convex ${target}: running \`npx convex dev\` and \`next dev\` (port ${nextPort}).`));
  const convexBin = path.join(root, "node_modules/convex/bin/main.js"); // what `npx convex` runs
  const convex = spawn(process.execPath, [convexBin, "dev"], { cwd: root, stdio: "inherit", env: process.env });
  const next = nextDev(nextPort, process.env, "inherit");
  let stopping = false;
  const stop = async (alreadySignalled: boolean, code = 0) => {
    if (stopping) return;
    stopping = true;
    await stopChildren([convex, next], alreadySignalled);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(true));
  process.on("SIGTERM", () => void stop(false));
  process.on("SIGHUP", () => void stop(false));
  for (const [name, child] of [
    ["convex dev", convex],
    ["next dev", next],
  ] as const) {
    child.once("exit", (code) => {
      if (!stopping) console.log(red(`${name} exited (code ${code}); stopping.`));
      void stop(false, code ?? 1);
    });
  }
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      "no-watch": { type: "boolean", default: false },
      "cron-speed": { type: "string", default: "1" },
      verbose: { type: "boolean", default: false },
      port: { type: "string" },
      "backend-port": { type: "string" },
      "max-scheduled-concurrency": { type: "string" },
    },
  });
  const cronSpeed = Number(flags["cron-speed"]);
  if (!(cronSpeed > 0)) throw new Error(`--cron-speed must be a positive number, got ${flags["cron-speed"]}`);

  const env = loadEnv(root);
  const ports = requestedPorts(flags, env);
  if (env.NEXT_PUBLIC_CONVEX_URL || env.CONVEX_DEPLOYMENT) {
    await runWithDeployment(env, ports);
  } else {
    // The flag, else LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY (also from .env files), else 10; refused at once if bad.
    let maxScheduled: number;
    try {
      maxScheduled = maxScheduledConcurrency(flags["max-scheduled-concurrency"], env);
    } catch (error) {
      console.error(red((error as Error).message));
      process.exit(2);
    }
    await runOffline(env, {
      watch: !flags["no-watch"],
      cronSpeed,
      verbose: flags.verbose,
      ports,
      maxScheduledConcurrency: maxScheduled,
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
