/**
 * Jobs that say where they are (issue 12), in Chromium against the production
 * build and the local backend: the live strip with its estimate, pause and
 * resume, continuing a cancelled job, "10 more", and what each page shows
 * when the server is away (the backend's WebSocket blocked in the browser with
 * `page.routeWebSocket`). The directive model scripts each job from its prompt.
 */
import type { WebSocketRoute } from "playwright-core";
import { describe, expect, test } from "vitest";
import { browserSuite } from "./suite";
import { App, hidden, SYNC_SOCKET, visible, SHOW_TIMEOUT_MS } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

/** "· elapsed 1:05" → 65. */
function seconds(clock: string): number {
  const [m, s] = clock
    .match(/(\d+):(\d\d)/)!
    .slice(1)
    .map(Number);
  return m! * 60 + s!;
}

async function questionTexts(user: App): Promise<string[]> {
  return await user.questions.getByRole("heading", { level: 3 }).allInnerTexts();
}

describe("the live strip", () => {
  test("My Questions shows the running job: n of N, elapsed, time left; new questions are marked; it goes when done", async () => {
    const ada = await signIn("Ada");
    await ada.gotoMyQuestions();
    await ada.generate("Strip topic [[count:12]] [[pace:500]]");
    const row = ada.liveRow("Strip topic");
    await visible(row.getByText(/\b[1-9]\d? of 12 saved/), SHOW_TIMEOUT_MS);
    await visible(row.getByTestId("time-left").getByText(/about \d+ s left|almost done/));
    await expect.poll(() => row.getByTestId("elapsed").innerText()).toMatch(/\b0:\d\d$/);
    await visible(ada.page.getByText("Just added"));
    await visible(row.getByRole("button", { name: "Pause" }));
    await hidden(ada.strip, 30_000);
    await expect.poll(() => ada.questions.count()).toBe(12);
  });

  test("pause stops the job at once and frees its slot; resume finishes it with no duplicate question", async () => {
    const grace = await signIn("Grace");
    await grace.gotoMyQuestions();
    await grace.generate("Pausable topic [[count:16]] [[pace:500]]");
    const row = grace.liveRow("Pausable topic");
    await visible(row.getByText(/\b[2-9] of 16 saved/), SHOW_TIMEOUT_MS);
    const clockAtPause = seconds(await row.getByTestId("elapsed").innerText());
    await row.getByRole("button", { name: "Pause" }).click();
    await visible(row.getByText(/Paused · \d+ of 16 saved/));
    await grace.expectRunning(0);
    const kept = Number((await row.getByTestId("live-label").innerText()).match(/(\d+) of 16/)![1]);
    // Nothing more arrives while paused: longer than a batch may wait (1.5 s).
    await grace.page.waitForTimeout(2000);
    expect(await grace.questions.count()).toBe(kept);
    // Focus moved to Resume when Pause went away.
    await expect.poll(() => grace.page.evaluate(() => document.activeElement?.textContent)).toBe("Resume");

    await row.getByRole("button", { name: "Resume" }).click();
    await grace.expectRunning(1);
    // The clock goes on from where it stopped, and a pause is not another attempt.
    await visible(row.getByText(/\b\d+ of 16 saved/));
    expect(seconds(await row.getByTestId("elapsed").innerText())).toBeGreaterThanOrEqual(clockAtPause);
    await grace.openPanel();
    await visible(grace.card("Pausable topic"));
    expect(
      await grace
        .card("Pausable topic")
        .getByText(/attempt \d/)
        .count(),
    ).toBe(0);
    await grace.closePanel();
    await hidden(grace.strip, 30_000);
    await expect.poll(() => grace.questions.count()).toBe(16);
    const texts = await questionTexts(grace);
    expect(new Set(texts).size).toBe(16);
  });
});

describe("continue and more", () => {
  test("a cancelled job continues where it stopped; a completed one writes 10 more", async () => {
    const alan = await signIn("Alan");
    await alan.generate("Continued topic [[count:8]] [[pace:500]]");
    await alan.openPanel();
    const card = alan.card("Continued topic");
    await visible(card.getByText(/Generating: [2-6] of 8 saved/), SHOW_TIMEOUT_MS);
    await alan.cancel(card);
    const button = card.getByRole("button", { name: /^Continue: \d+ left$/ });
    await visible(button);
    await button.click();
    await visible(card.getByText("8 questions ready"), 30_000);

    await card.getByRole("button", { name: "10 more" }).click();
    await visible(card.getByText("18 questions ready"), 30_000);
    const jobId = await alan.jobIdOf(card);
    await alan.closePanel();
    await alan.gotoMyQuestions(`?job=${jobId}`);
    await expect.poll(() => alan.questions.count()).toBe(18);
    expect(new Set(await questionTexts(alan)).size).toBe(18);
  });
});

describe("limits before they bite", () => {
  test("the modal shows how many run; at the limit it says so inline and keeps the prompt", async () => {
    const barbara = await signIn("Barbara");
    for (const topic of ["First", "Second"]) await barbara.generate(`${topic} long job [[count:50]] [[pace:400]]`);
    await barbara.expectRunning(2);
    await barbara.startTyping("A third topic [[count:50]] [[pace:400]]");
    await visible(barbara.modal.getByText("2 of 3 running"));
    await barbara.submit();
    await hidden(barbara.modal);
    await barbara.expectRunning(3);

    await barbara.startTyping("A fourth topic");
    await visible(barbara.modal.getByRole("alert").getByText(/All 3 generations are running/));
    expect(await barbara.modal.getByRole("button", { name: "Generate questions" }).isDisabled()).toBe(true);
    expect(await barbara.modal.getByRole("textbox").inputValue()).toBe("A fourth topic");
  });

  test("after a burst, the button counts down until the next start is allowed", async () => {
    const edsger = await signIn("Edsger");
    for (let i = 1; i <= 6; i++) {
      await edsger.generate(`Quick ${i} [[count:5]] [[pace:1]]`);
      await edsger.expectRunning(0);
    }
    await edsger.startTyping("One too many");
    const countdown = edsger.modal.getByRole("button", { name: /^Try again in \d+:\d\d$/ });
    await visible(countdown);
    expect(await countdown.isDisabled()).toBe(true);
    const first = await countdown.innerText();
    await expect.poll(() => countdown.innerText(), { timeout: 5000 }).not.toBe(first);
    await visible(edsger.modal.getByRole("alert").getByText(/The next one can start in/));
    expect(await edsger.modal.getByRole("textbox").inputValue()).toBe("One too many");
    await edsger.page.keyboard.press("Escape");

    // The tasks panel knows too: "10 more" is disabled ahead of the refusal, with the same countdown.
    await edsger.openPanel();
    const card = edsger.card("Quick 6");
    const more = card.getByRole("button", { name: "5 more" }).or(card.getByRole("button", { name: "10 more" }));
    expect(await more.isDisabled()).toBe(true);
    const reason = card.getByTestId("start-blocked");
    expect(await reason.innerText()).toMatch(/the next can start in \d+:\d\d\.$/);
    // It counts down, to the second.
    const wait = await reason.innerText();
    await expect.poll(() => reason.innerText(), { timeout: 5000 }).not.toBe(wait);
  });
});

describe("server away", () => {
  test("a socket that opens but never answers: a banner, notes instead of skeletons, Generate gives up keeping the prompt", async () => {
    const linus = await signIn("Linus");
    await linus.page.routeWebSocket(SYNC_SOCKET, () => {
      // Accept the socket and never answer.
    });
    await linus.page.reload();
    await visible(linus.serverAway, 10_000);
    expect(await linus.serverAway.innerText()).toMatch(
      /Can't reach the server — retrying\.\s+Connected, but the server isn't answering/,
    );
    await visible(linus.page.getByText("Can't load your review until the server answers."));

    await linus.startTyping("Offline topic");
    await linus.submit();
    await visible(
      linus.modal.getByRole("alert").getByText(/Can't reach the server\. Your prompt is kept/),
      SHOW_TIMEOUT_MS,
    );
    expect(await linus.modal.getByRole("textbox").inputValue()).toBe("Offline topic");
    await linus.page.keyboard.press("Escape");

    await linus.page.goto("/my-questions");
    await visible(linus.page.getByText("Can't load your questions until the server answers."), 10_000);
    await linus.page.goto("/jobs/not-a-real-job");
    await visible(linus.page.getByText("Can't load this generation until the server answers."), 10_000);
  });

  test("a submit made while the server was away starts one job once it is back, and the form closes", async () => {
    const alan = await signIn("Alan");
    let blocked = true;
    const silent: WebSocketRoute[] = [];
    await alan.page.routeWebSocket(SYNC_SOCKET, (ws) => {
      if (blocked) return void silent.push(ws); // accepted, never answered
      ws.connectToServer();
    });
    await alan.page.reload();
    await visible(alan.serverAway, 10_000);
    await alan.startTyping("Reconnect topic [[count:3]] [[pace:10]]");
    await alan.submit();
    await visible(
      alan.modal.getByRole("alert").getByText(/Can't reach the server\. Your prompt is kept/),
      SHOW_TIMEOUT_MS,
    );

    // The server comes back: the client resends the queued request, and the job starts.
    blocked = false;
    await Promise.all(silent.splice(0).map((ws) => ws.close()));
    await visible(alan.toast("Generation started"), SHOW_TIMEOUT_MS);
    // The warning said "try again": doing so while the form is still up must not make a second job.
    const leftOpen = await alan.modal.waitFor({ state: "hidden", timeout: 3000 }).then(
      () => false,
      () => true,
    );
    if (leftOpen) await alan.submit();
    await alan.expectRunning(0, 30_000);
    await alan.gotoMyQuestions();
    await expect.poll(() => alan.questions.count()).toBe(3);
    expect(new Set(await questionTexts(alan)).size).toBe(3);
    expect(leftOpen).toBe(false);
  });

  test("a connection lost after loading: the page keeps what it had, the banner says it is retrying, and goes once it is back", async () => {
    const margaret = await signIn("Margaret");
    const socket = await margaret.controlSyncSocket();
    await margaret.gotoMyQuestions();
    await margaret.generate("Kept topic [[count:3]] [[pace:50]]");
    await margaret.expectRunning(0, SHOW_TIMEOUT_MS);
    await expect.poll(() => margaret.questions.count()).toBe(3);

    await socket.cut();
    await visible(margaret.serverAway, 10_000);
    expect(await margaret.serverAway.innerText()).toMatch(/Connection lost/);
    expect(await margaret.questions.count()).toBe(3);

    socket.restore();
    await hidden(margaret.serverAway, 30_000);
    expect(await margaret.questions.count()).toBe(3);
  });
});

describe("keys and focus", () => {
  test("G opens Generate from anywhere; after submitting, focus is on the page's content, not lost", async () => {
    const ken = await signIn("Ken");
    await ken.gotoReview();
    await ken.page.locator("body").press("g");
    await visible(ken.modal);
    await ken.modal.getByRole("textbox").fill("Keyboard topic [[count:3]] [[pace:1]]");
    await ken.submit();
    await hidden(ken.modal);
    await expect.poll(() => ken.page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  test("after Stop generation in the strip, focus stays on the page", async () => {
    const barbara = await signIn("Barbara S");
    await barbara.gotoMyQuestions();
    await barbara.generate("Stopped topic [[count:30]] [[pace:500]]");
    const row = barbara.liveRow("Stopped topic");
    await visible(row.getByText(/\b[1-9]\d? of 30 saved/), SHOW_TIMEOUT_MS);
    await row.getByRole("button", { name: "Cancel" }).click();
    await barbara.page.getByRole("alertdialog").getByRole("button", { name: "Stop generation" }).click();
    await hidden(barbara.strip);
    await expect
      .poll(() =>
        barbara.page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null),
      )
      .toBe(true);
  });

  test("the Generate tooltip: not left open when the modal closes; no keyboard shortcut on a touch screen", async () => {
    const grace = await signIn("Tooltip");
    const generate = grace.page.getByRole("banner").getByRole("button", { name: "Generate questions" });
    await generate.hover();
    await visible(grace.page.getByRole("tooltip"));
    await generate.click();
    await visible(grace.modal);
    await grace.page.mouse.move(5, 400);
    await grace.modal.getByRole("button", { name: "Cancel" }).click();
    await hidden(grace.modal);
    await expect
      .poll(() => grace.page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
      .toBe("Generate questions");
    await hidden(grace.page.getByRole("tooltip"));

    const phone = await signIn("Touch", { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    expect(await phone.page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    await phone.page.getByRole("banner").getByRole("button", { name: "Generate questions" }).focus();
    await phone.page.keyboard.press("Tab");
    await phone.page.keyboard.press("Shift+Tab");
    await visible(phone.page.getByRole("tooltip"));
    expect(await phone.page.getByRole("tooltip").locator("kbd").isVisible()).toBe(false);
  });
});

describe("a job that stops being heard from", () => {
  test("the strip says how long there has been no progress instead of counting down to almost done", async () => {
    const margaret = await signIn("Margaret S");
    await margaret.page.clock.install();
    const socket = await margaret.controlSyncSocket();
    await margaret.gotoMyQuestions();
    await margaret.generate("Silent topic [[count:40]] [[pace:700]]");
    const row = margaret.liveRow("Silent topic");
    await visible(row.getByTestId("time-left"), SHOW_TIMEOUT_MS);
    await socket.cut();
    await margaret.page.clock.fastForward(45_000);
    await visible(row.getByTestId("stalled").getByText(/no progress for \d+ s/));
    expect(await row.getByTestId("time-left").count()).toBe(0);
  });

  test("at 390 px the live row keeps its title readable and nothing overlaps", async () => {
    const phone = await signIn("Narrow", { viewport: { width: 390, height: 844 } });
    await phone.gotoMyQuestions();
    await phone.generate("A long topic title for a narrow screen [[count:40]] [[pace:500]]");
    const row = phone.liveRow("narrow screen");
    await visible(row.getByText(/\b[1-9]\d? of 40 saved/), SHOW_TIMEOUT_MS);
    const title = await row.getByRole("link").boundingBox();
    const badge = await row.getByText("Generating", { exact: true }).boundingBox();
    const label = await row.getByTestId("live-label").boundingBox();
    expect(title!.width).toBeGreaterThan(150);
    const overlaps = (a: typeof badge, b: typeof label) =>
      a!.x < b!.x + b!.width && b!.x < a!.x + a!.width && a!.y < b!.y + b!.height && b!.y < a!.y + a!.height;
    expect(overlaps(badge, label)).toBe(false);
    expect(overlaps(title, label)).toBe(false);
    await phone.cancel(row);
  });
});
