/**
 * Page objects of the end-to-end suite: how a user reaches each part of the
 * app, by role and accessible name, as a screen reader would. The tests say
 * what the user does; these say how.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page, WebSocketRoute } from "playwright-core";

/** The backend's sync socket (the web app itself uses none). */
export const SYNC_SOCKET = /\/api\/[^/]+\/sync/;

/**
 * How long a page may take to show something by default: generous, because on a busy 2-core machine a page or a
 * job can be several times slower than alone. Not a timing goal.
 */
export const SHOW_TIMEOUT_MS = 30_000;

/** Waits until `locator` is visible (or hidden). playwright-core has no `expect`; vitest's `expect.poll` covers the rest. */
export const visible = (locator: Locator, timeout = SHOW_TIMEOUT_MS) =>
  locator.first().waitFor({ state: "visible", timeout });
export const hidden = (locator: Locator, timeout = SHOW_TIMEOUT_MS) =>
  locator.first().waitFor({ state: "hidden", timeout });

/**
 * What the Content-Security-Policy blocked in `target` (a context: all its
 * pages from the start), as Chromium reports it in the console; fills as it
 * happens.
 */
export function cspViolations(target: BrowserContext | Page): string[] {
  const found: string[] = [];
  target.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) found.push(message.text());
  });
  return found;
}

export class App {
  private constructor(
    readonly page: Page,
    readonly baseURL: string,
    /** CSP violations reported in this user's pages (`cspViolations`). */
    readonly cspViolations: string[],
  ) {}

  /** A new browser context (its own cookies), signed in with the local sign-in. */
  static async signIn(
    browser: Browser,
    baseURL: string,
    name: string,
    options: BrowserContextOptions = {},
  ): Promise<App> {
    const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, ...options });
    const violations = cspViolations(context);
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Display name").fill(name);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${baseURL}/`);
    const app = new App(page, baseURL, violations);
    await visible(app.badge);
    return app;
  }

  // ── Navbar ──────────────────────────────────────────────────────────────

  get badge(): Locator {
    return this.page.getByRole("button", { name: /^Background tasks/ });
  }

  async expectRunning(count: number, timeout = SHOW_TIMEOUT_MS): Promise<void> {
    const name = count === 0 ? "Background tasks, none running" : `Background tasks, ${count} running`;
    await visible(this.page.getByRole("button", { name, exact: true }), timeout);
  }

  /** The badge says how many run and how many wait, apart ("1 running, 2 queued"), and shows both counts. */
  async expectRunningAndQueued(running: number, queued: number, timeout = SHOW_TIMEOUT_MS): Promise<void> {
    const name = `Background tasks, ${running} running, ${queued} queued`;
    await visible(this.page.getByRole("button", { name, exact: true }), timeout);
    await visible(this.page.getByTestId("queued-jobs-count").getByText(String(queued), { exact: true }), timeout);
  }

  // ── Generation modal ────────────────────────────────────────────────────

  get modal(): Locator {
    return this.page.getByRole("dialog", { name: "Generate questions" });
  }

  /** Opens the modal and types `prompt` (does not submit). */
  async startTyping(prompt: string): Promise<void> {
    await this.page.getByRole("button", { name: "Generate questions" }).first().click();
    await visible(this.modal);
    await this.modal.getByRole("textbox").fill(prompt);
  }

  /** Submits the typed prompt with Ctrl+Enter. */
  async submit(): Promise<void> {
    await this.modal.getByRole("textbox").press("Control+Enter");
  }

  /** Generates questions on `prompt` and waits for the modal to close. */
  async generate(prompt: string): Promise<void> {
    await this.startTyping(prompt);
    await this.submit();
    await hidden(this.modal);
  }

  /** Opens the modal, chooses "Use your own material" and the file at `path` (read in the page: nothing is sent). */
  async chooseMaterial(path: string): Promise<void> {
    await this.page.getByRole("button", { name: "Generate questions" }).first().click();
    await visible(this.modal);
    await this.modal.getByRole("button", { name: "Use your own material" }).click();
    await this.modal.getByLabel("Choose a file").setInputFiles(path);
  }

  /** The card of the material read in the modal. */
  get materialCard(): Locator {
    return this.modal.getByTestId("source-card");
  }

  toast(text: string | RegExp): Locator {
    return this.page.locator("[data-sonner-toast]").filter({ hasText: text });
  }

  // ── Background tasks panel ──────────────────────────────────────────────

  get panel(): Locator {
    return this.page.getByRole("dialog", { name: "Background tasks" });
  }

  async openPanel(): Promise<void> {
    if (await this.panel.isVisible()) return;
    await this.badge.click();
    await visible(this.panel);
  }

  async closePanel(): Promise<void> {
    await this.page.keyboard.press("Escape");
    await hidden(this.panel);
  }

  /** The task card of the job whose title contains `text`. */
  card(text: string): Locator {
    return this.panel.getByRole("article").filter({ hasText: text });
  }

  /** Cancels the job of `card`, confirming in the dialog. */
  async cancel(card: Locator): Promise<void> {
    await card.getByRole("button", { name: "Cancel" }).click();
    await this.page.getByRole("alertdialog").getByRole("button", { name: "Stop generation" }).click();
    await hidden(this.page.getByRole("alertdialog"));
  }

  /** The id of the job of `card` (from its Details link). */
  async jobIdOf(card: Locator): Promise<string> {
    const href = await card.getByRole("link", { name: "Details" }).getAttribute("href");
    return href!.split("/jobs/")[1]!;
  }

  // ── Live strip ──────────────────────────────────────────────────────────

  get strip(): Locator {
    return this.page.getByRole("region", { name: "Generations in progress" });
  }

  /** The live row of the job whose title contains `text` (in the strip). */
  liveRow(text: string): Locator {
    return this.strip.getByTestId("job-live-row").filter({ hasText: text });
  }

  /**
   * Routes the backend's sync socket through the test (before the page loads
   * it again): `cut()` closes it and refuses new ones, as a server gone away
   * would; `restore()` lets the client reconnect.
   */
  async controlSyncSocket(): Promise<{ cut: () => Promise<void>; restore: () => void }> {
    let blocked = false;
    const open: WebSocketRoute[] = [];
    await this.page.routeWebSocket(SYNC_SOCKET, (ws) => {
      if (blocked) return void ws.close();
      ws.connectToServer();
      open.push(ws);
    });
    return {
      cut: async () => {
        blocked = true;
        await Promise.all(open.splice(0).map((ws) => ws.close()));
      },
      restore: () => {
        blocked = false;
      },
    };
  }

  /** The server-away banner. */
  get serverAway(): Locator {
    return this.page.getByTestId("server-away");
  }

  // ── Pages ───────────────────────────────────────────────────────────────

  async gotoMyQuestions(query = ""): Promise<void> {
    await this.page.goto(`/my-questions${query}`);
    // An account with no questions shows "My Questions" only while the list loads, then "No questions yet".
    await visible(this.page.getByRole("heading", { name: /^(My Questions|No questions yet)$/, level: 1 }));
    await this.hydrated();
  }

  /**
   * Waits until React has hydrated the page: server-rendered HTML shows before the page's script has run, and
   * text typed into a field before then is reset when React takes it over (a click does nothing).
   */
  async hydrated(): Promise<void> {
    await this.page.waitForFunction(() =>
      Object.keys(document.documentElement).some((key) => key.startsWith("__reactFiber")),
    );
  }

  /** The question cards shown on the page. */
  get questions(): Locator {
    return this.page.getByRole("main").getByRole("article");
  }

  /** The answers of the question being reviewed. */
  get answers(): Locator {
    return this.page.getByRole("list", { name: "Answers" }).getByRole("button");
  }

  get ratings(): Locator {
    return this.page.getByRole("group", { name: "How well did you know it?" });
  }

  async gotoReview(): Promise<void> {
    await this.page.goto("/");
    await visible(this.page.getByRole("heading", { name: "Review", level: 1 }));
  }

  // ── Owning questions ────────────────────────────────────────────────────

  /** The question card (My Questions, job page) whose text contains `text`. */
  questionCard(text: string | RegExp): Locator {
    return this.questions.filter({ has: this.page.getByRole("heading", { name: text }) });
  }

  /** Review, limited by `query` (`?topic=…`, `?job=…`). */
  async gotoReviewOf(query: string): Promise<void> {
    await this.page.goto(`/${query}`);
    await visible(this.page.getByRole("heading", { name: /^(Review|All caught up)/, level: 1 }));
  }

  /** The options of the question under review, in the order shown. */
  async shownOptions(): Promise<string[]> {
    const texts = await this.answers.allInnerTexts();
    return texts.map((text) => text.replace(/^\s*\d\s*/, "").trim());
  }
}
