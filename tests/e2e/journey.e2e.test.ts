/**
 * The seed's verification checklist, done as a user does it, in Chromium
 * against the production build and the local backend (`harness.ts`). The
 * model is the directive model: each prompt scripts its own pace and
 * failures (`tests/support/directiveModel.ts`). Each test signs in as its own
 * user, so limits and data never leak between tests. On failure, a
 * screenshot is kept in `test-results/e2e/`.
 */
import { describe, expect, test } from "vitest";
import { browserSuite } from "./suite";
import { hidden, visible, SHOW_TIMEOUT_MS } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

/** A number in a card's text, e.g. "Cancelled · 3 questions kept" → 3. */
async function numberIn(text: Promise<string>, pattern: RegExp): Promise<number> {
  const match = (await text).match(pattern);
  if (!match) throw new Error(`"${await text}" does not match ${pattern}`);
  return Number(match[1]);
}

describe("generating questions", () => {
  test("submit: the modal closes at once with a toast, the badge and the panel follow the job, questions appear in My Questions while it runs, and it completes with the right count", async () => {
    const ada = await signIn("Ada");
    await ada.generate("Roman roads [[count:6]] [[pace:700]]");
    await visible(ada.toast("Generation started"));
    await ada.expectRunning(1);

    await ada.openPanel();
    const card = ada.card("Roman roads");
    await visible(card.getByText(/Generating: [1-5] of 6 saved/));
    await visible(card.getByRole("progressbar"));
    await ada.closePanel();

    // Questions show up while the job is still running.
    await ada.gotoMyQuestions();
    await expect.poll(() => ada.questions.count(), { timeout: SHOW_TIMEOUT_MS }).toBeGreaterThan(0);
    expect(await ada.badge.getAttribute("aria-label")).toBe("Background tasks, 1 running");

    await ada.expectRunning(0, 30_000);
    await expect.poll(() => ada.questions.count()).toBe(6);
    await ada.openPanel();
    await visible(ada.card("Roman roads").getByText("6 questions ready"));
  });

  test("cancel a running job: its questions so far are kept, and the card says how many", async () => {
    const grace = await signIn("Grace");
    await grace.generate("Slow topic [[count:20]] [[pace:600]]");
    await grace.openPanel();
    const card = grace.card("Slow topic");
    await visible(card.getByText(/Generating: [2-9] of 20 saved/), SHOW_TIMEOUT_MS);
    const jobId = await grace.jobIdOf(card);
    await grace.cancel(card);

    const kept = await numberIn(card.getByText(/questions? kept/).innerText(), /(\d+) questions? kept/);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(20);
    await grace.closePanel();
    await grace.expectRunning(0);
    // Nothing more arrives after the cancel: longer than a batch may wait (1.5 s), then
    // My Questions has exactly what the card says.
    await grace.page.waitForTimeout(2000);
    await grace.gotoMyQuestions(`?job=${jobId}`);
    await expect.poll(() => grace.questions.count()).toBe(kept);
  });

  test("a failing model: the card says what went wrong and offers Retry, and the retry completes", async () => {
    const katherine = await signIn("Katherine");
    await katherine.generate("Flaky provider [[count:5]] [[pace:50]] [[drop-once:2]]");
    await katherine.openPanel();
    const card = katherine.card("Flaky provider");
    await visible(card.getByText("Lost the connection to the AI service"));
    await card.getByRole("button", { name: "Retry" }).click();
    await visible(card.getByText("5 questions ready"), SHOW_TIMEOUT_MS);
  });

  test("a busy AI service (429): the job waits in the queue and completes by itself, no Retry needed", async () => {
    const leo = await signIn("Leo");
    await leo.generate("Busy provider [[count:5]] [[pace:20]] [[fail-once:429]]");
    await leo.openPanel();
    const card = leo.card("Busy provider");
    await visible(card.getByText("5 questions ready"), 30_000);
    expect(await card.getByRole("button", { name: "Retry" }).count()).toBe(0);
    await card.getByRole("link", { name: "Details" }).click();
    await visible(leo.page.getByText("Attempt 1: back in the queue"));
  });
});

describe("what users see", () => {
  test("a second user sees none of the first user's jobs or questions", async () => {
    const first = await signIn("Owner");
    await first.generate("Private topic [[count:5]] [[pace:10]]");
    await first.expectRunning(0);
    await first.openPanel();
    const jobId = await first.jobIdOf(first.card("Private topic"));

    const second = await signIn("Stranger");
    await second.expectRunning(0);
    await second.openPanel();
    await visible(second.panel.getByText("Nothing yet. Start a generation and follow it here."));
    expect(await second.panel.getByRole("article").count()).toBe(0);
    await second.closePanel();
    await second.page.goto("/my-questions");
    await visible(second.page.getByRole("heading", { name: "No questions yet" }));
    expect(await second.questions.count()).toBe(0);
    await second.page.goto(`/jobs/${jobId}`);
    await visible(second.page.getByText("Generation not found"));
    expect(await second.page.getByText("Private topic").count()).toBe(0);
  });

  test("reloading mid-job keeps everything: the badge, the card's progress, and the job finishes", async () => {
    const linus = await signIn("Linus");
    await linus.generate("Survives reload [[count:8]] [[pace:700]]");
    await linus.openPanel();
    await visible(linus.card("Survives reload").getByText(/Generating: [2-7] of 8 saved/), SHOW_TIMEOUT_MS);
    await linus.page.reload();
    await linus.expectRunning(1);
    await linus.openPanel();
    await visible(linus.card("Survives reload").getByText(/Generating: [2-8] of 8 saved/));
    await visible(linus.card("Survives reload").getByText("8 questions ready"), 30_000);
  });

  test("review a question: answer it, see whether it was right, rate it, and the next one comes up", async () => {
    const edsger = await signIn("Edsger");
    await edsger.generate("Reviewable topic [[count:5]] [[pace:10]]");
    await edsger.expectRunning(0);
    await edsger.gotoReview();
    await visible(edsger.page.getByText("5 due"));
    const first = await edsger.page.getByRole("heading", { level: 2 }).first().innerText();

    await edsger.answers.first().click();
    await visible(edsger.ratings);
    await visible(edsger.page.getByText(/Correct|Not quite/));
    await edsger.ratings.getByRole("button", { name: /^Good/ }).click();

    await visible(edsger.page.getByText("4 due"));
    await hidden(edsger.ratings);
    expect(await edsger.page.getByRole("heading", { level: 2 }).first().innerText()).not.toBe(first);
  });
});

describe("safe by default", () => {
  /** `next` values that name another site once a browser reads them (tabs and line breaks dropped, `\` read as `/`);
   * `safeNextPath`'s unit test has many more. The last one is on this site and is kept. */
  const NEXT = {
    withJavaScript: ["/%09/evil.example", "/%0A/evil.example", "/%5C/evil.example"],
    withoutJavaScript: ["/%09/evil.example"],
    onSite: "/my-questions%3Ftopic%3DKept",
  };

  test("after signing in, a `next` that points off-site stays on this site, with and without JavaScript", async () => {
    const origin = new URL(suite.app.baseURL).origin;
    let users = 0;
    for (const javaScriptEnabled of [true, false]) {
      const values = javaScriptEnabled ? NEXT.withJavaScript : NEXT.withoutJavaScript;
      for (const next of [...values, NEXT.onSite]) {
        const context = await suite.app.browser.newContext({ baseURL: suite.app.baseURL, javaScriptEnabled });
        const page = await context.newPage();
        suite.track(page);
        const offSite: string[] = [];
        await context.route(
          (url) => url.hostname.endsWith("evil.example"),
          async (route) => {
            offSite.push(route.request().url());
            await route.abort();
          },
        );
        await page.goto(`/sign-in?next=${next}`);
        await page.getByLabel("Display name").fill(`Redirected ${++users}`);
        await page.getByRole("button", { name: "Continue" }).click();
        const expected = next === NEXT.onSite ? "/my-questions?topic=Kept" : "/";
        await page.waitForURL((url) => url.origin === origin && `${url.pathname}${url.search}` === expected, {
          waitUntil: "commit",
        });
        expect(offSite, `next=${next}, JavaScript ${javaScriptEnabled ? "on" : "off"}`).toEqual([]);
      }
    }
  });

  test("pages carry a nonce'd CSP that lets the backend's WebSocket through: a job streams with nothing blocked", async () => {
    const grace = await signIn("Policy");
    const response = await grace.page.goto("/my-questions");
    const policy = response!.headers()["content-security-policy"] ?? "";
    const backend = new URL(suite.app.backend.url);
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*' 'strict-dynamic'/);
    expect(policy).toContain(`connect-src 'self' ${backend.origin} ws://${backend.host}`);
    expect(response!.headers()["permissions-policy"]).toContain("microphone=()");

    await grace.generate("Policed topic [[count:3]] [[pace:10]]");
    await grace.expectRunning(0, 30_000);
    await expect.poll(() => grace.questions.count()).toBe(3);
    expect(grace.cspViolations).toEqual([]);

    // The policy is enforced: injected markup's inline script (an event handler) does not run, and the console says why.
    const ran = await grace.page.evaluate(() => {
      const injected = document.createElement("div");
      injected.setAttribute("onclick", "window.__injected = true");
      document.body.append(injected);
      injected.click();
      return "__injected" in window;
    });
    expect(ran).toBe(false);
    await expect.poll(() => grace.cspViolations.length).toBe(1);
    grace.cspViolations.splice(0); // expected: not a failure of this test
  });
});
