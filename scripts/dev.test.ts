/**
 * The pieces of `npm run dev` that can be checked without starting Next.js:
 * which environment decides the mode, port choice, and which file changes
 * restart the backend. (local-convex itself is tested in local-convex/.)
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { freePort, loadEnv, requestedPorts, watchSources } from "./dev";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dev-test-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm run dev", () => {
  test(".env.local overrides .env, and the real environment overrides both", () => {
    const root = tempDir();
    writeFileSync(path.join(root, ".env"), "A=from-env\nB=from-env\n");
    writeFileSync(path.join(root, ".env.local"), "B=from-local\nCONVEX_DEPLOYMENT=dev:happy-otter-123\n");
    process.env.DEV_TEST_ONLY = "real";
    const env = loadEnv(root);
    delete process.env.DEV_TEST_ONLY;
    expect(env).toMatchObject({
      A: "from-env",
      B: "from-local",
      CONVEX_DEPLOYMENT: "dev:happy-otter-123",
      DEV_TEST_ONLY: "real",
    });
  });

  test("ports: --port / PORT for the web app, --backend-port / BACKEND_PORT for the backend, flags first", () => {
    expect(requestedPorts({}, {})).toEqual({ web: null, backend: null });
    expect(requestedPorts({}, { PORT: "4000", BACKEND_PORT: "4100" })).toEqual({ web: 4000, backend: 4100 });
    expect(requestedPorts({ port: "5000", "backend-port": "5100" }, { PORT: "4000", BACKEND_PORT: "4100" })).toEqual({
      web: 5000,
      backend: 5100,
    });
    expect(() => requestedPorts({ port: "http" }, {})).toThrow(
      '--port must be a port number from 1 to 65535, got "http".',
    );
    expect(() => requestedPorts({}, { BACKEND_PORT: "70000" })).toThrow(/BACKEND_PORT must be a port number/);
    expect(() => requestedPorts({ port: "4000" }, { BACKEND_PORT: "4000" })).toThrow(/can't share port 4000/);
  });

  test("a busy port is skipped", async () => {
    const busy = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => busy.once("listening", resolve));
    const port = (busy.address() as { port: number }).port;
    expect(await freePort(port)).toBeGreaterThan(port);
    expect(await freePort(port + 1, [port + 1])).toBeGreaterThan(port + 1);
    busy.close();
  });

  test("only a real change to a source file restarts the backend", async () => {
    const root = tempDir();
    mkdirSync(path.join(root, "convex"));
    const file = path.join(root, "convex", "jobs.ts");
    writeFileSync(file, "export const a = 1;\n");
    const batches: string[][] = [];
    const stop = watchSources(root, ["convex"], (files) => batches.push(files));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
    try {
      writeFileSync(file, "export const a = 1;\n"); // saved unchanged
      writeFileSync(path.join(root, "convex", "notes.md"), "not a source file");
      await settle();
      expect(batches).toEqual([]);
      writeFileSync(file, "export const a = 2;\n");
      await settle();
      expect(batches).toEqual([[path.join("convex", "jobs.ts")]]);
    } finally {
      stop();
    }
  });
});
