/**
 * Starts the app the way the README does, on free ports, for the end-to-end
 * suite: local-convex (in memory, with the directive model preloaded and crons
 * sped up) and the production build of the web app (`next start`), wired
 * together with the same env `npm run dev` sets; then the system Chromium
 * through playwright-core.
 *
 * Needs `npm run build` first (`npm test` runs it) and /usr/bin/chromium
 * (`scripts/ensure-browser.ts` installs it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startLocalConvex, type LocalConvexProcess } from "local-convex";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export type App = { baseURL: string; backend: LocalConvexProcess; browser: Browser; close(): Promise<void> };

export type WebApp = { url: string; port: number; output: string[]; close(): Promise<void> };

/**
 * The production build of the web app (`next start`) on a free port, with
 * exactly `env` on top of a clean environment (no Clerk keys, no flags).
 * It listens on 127.0.0.1 only, unless `allInterfaces` (Clerk mode needs
 * that: its middleware rewrites to `localhost`, which Next.js proxies as an
 * external host when bound to 127.0.0.1, in a loop).
 */
export async function startWeb(
  env: Record<string, string> = {},
  { port, allInterfaces = false }: { port?: number; allInterfaces?: boolean } = {},
): Promise<WebApp> {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
    throw new Error("No production build: run `npm run build` first.");
  const webPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${webPort}`;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(NEXT_PUBLIC_|CLERK_|CONVEX_|ENABLE_|LOCAL_AUTH_)/.test(name)),
  );
  const bind = allInterfaces ? [] : ["--hostname", "127.0.0.1"];
  const web = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "--port", String(webPort), ...bind],
    {
      cwd: ROOT,
      env: { ...inherited, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  web.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  web.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  try {
    await waitForHttp(`${url}/sign-in`, web, output);
  } catch (error) {
    web.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    port: webPort,
    output,
    async close() {
      web.kill("SIGTERM");
      await new Promise((resolve) => (web.exitCode !== null ? resolve(null) : web.once("exit", resolve)));
    },
  };
}

/**
 * local-convex with the directive model, the production web app with the local sign-in enabled (as `npm run dev`
 * does), and Chromium. `maxScheduledConcurrency`: scheduled functions at once (default: local-convex's, 10, as on
 * Convex Starter). `backendEnv`: the deployment's variables (e.g. `MAX_PARALLEL_GENERATIONS`), as `npx convex env
 * set` would set them.
 */
export async function startApp({
  maxScheduledConcurrency,
  backendEnv = {},
}: { maxScheduledConcurrency?: number; backendEnv?: Record<string, string> } = {}): Promise<App> {
  const webPort = await freePort();
  const issuer = `http://127.0.0.1:${webPort}`;
  const backend = await startLocalConvex({
    env: { ...backendEnv, LOCAL_AUTH_ISSUER: issuer },
    preload: [path.join(ROOT, "tests/support/preload-directive-model.ts")],
    cronSpeed: 60,
    maxScheduledConcurrency,
    startTimeoutMs: 60_000,
  });
  let web: WebApp;
  try {
    web = await startWeb(
      {
        CONVEX_URL: backend.url,
        NEXT_PUBLIC_CONVEX_URL: backend.url,
        LOCAL_AUTH_ISSUER: issuer,
        ENABLE_LOCAL_SIGN_IN: "1",
      },
      { port: webPort },
    );
  } catch (error) {
    await backend.close();
    throw error;
  }
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await web.close();
    await backend.close();
    throw error;
  }
  return {
    baseURL: issuer,
    backend,
    browser,
    async close() {
      await browser.close();
      await web.close();
      await backend.close();
    },
  };
}

/** The system Chromium, headless, as the suites run it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`npx tsx scripts/ensure-browser.ts\`.`);
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, process: ChildProcess, output: string[], timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (process.exitCode !== null) throw new Error(`next start exited with ${process.exitCode}:\n${output.join("")}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output.join("")}`);
}
