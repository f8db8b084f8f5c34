/**
 * What every browser suite sets up the same way: one app for the file
 * (`startApp`: the local backend, `next start` and Chromium), a new user per
 * `signIn`, and, when a test fails, a full-page screenshot of each page it
 * opened in `test-results/e2e/`. Every page is closed after its test. A test
 * fails when the Content-Security-Policy blocked anything in its pages.
 */
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startApp, type App as RunningApp } from "./harness";
import { App, cspViolations } from "./pages";

const SCREENSHOTS = "test-results/e2e";

export type BrowserSuite = {
  /** The running app (from `beforeAll` on). */
  readonly app: RunningApp;
  /** A new user named after `name` (a counter keeps names unique), signed in on a page of their own. */
  signIn: (name: string, options?: Parameters<typeof App.signIn>[3]) => Promise<App>;
  /** A page the test opened itself: screenshotted on failure and closed like the others. */
  track: (page: Page) => void;
};

/** Registers the file's hooks; call once at the top of a test file. `options` go to `startApp`. */
export function browserSuite(options: Parameters<typeof startApp>[0] = {}): BrowserSuite {
  let app: RunningApp | undefined;
  const pages: Page[] = [];
  const violations: string[][] = [];
  let users = 0;

  beforeAll(async () => {
    app = await startApp(options);
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const name = context.task.name.replace(/[^\w-]+/g, "-").slice(0, 80);
      await Promise.all(
        pages.map((page, i) =>
          page.screenshot({ path: `${SCREENSHOTS}/${name}-${i}.png`, fullPage: true }).catch(() => {}),
        ),
      );
    }
    await Promise.all(pages.splice(0).map((page) => page.context().close()));
    const blocked = violations.splice(0).flat();
    if (blocked.length > 0) throw new Error(`The Content-Security-Policy blocked:\n${blocked.join("\n")}`);
  });

  const running = () => {
    if (!app) throw new Error("the app starts in beforeAll");
    return app;
  };
  return {
    get app() {
      return running();
    },
    signIn: async (name, options = {}) => {
      const user = await App.signIn(running().browser, running().baseURL, `${name} ${++users}`, options);
      pages.push(user.page);
      violations.push(user.cspViolations);
      return user;
    },
    track: (page) => {
      pages.push(page);
      violations.push(cspViolations(page));
    },
  };
}
