// Captures the README screenshots (light, dark, mobile) from a running app.
//
// The backend should run the demo model, so jobs are slow enough to be seen
// running and some fail on purpose (see demo-model.ts):
//
//   LOCAL_AUTH_ISSUER=http://localhost:3124 DEMO_CHUNK_DELAY_MS=200 \
//     npx tsx local-convex/cli.ts --port 3215 --in-memory --preload docs/screenshots/demo-model.ts
//   npx next build && CONVEX_URL=http://127.0.0.1:3215 LOCAL_AUTH_ISSUER=http://localhost:3124 ENABLE_LOCAL_SIGN_IN=1 npx next start -p 3124
//   node docs/screenshots/capture.mjs http://localhost:3124 docs/screenshots
//
// A fourth argument `live-strip` captures only light-live-strip.png (a fresh
// user: one job paused, one running with its estimate and a question just added);
// `my-questions` only light-my-questions.png, light-search.png and light-import.png.
// `statistics` only light-statistics.png and mobile-dark-statistics.png (a fresh
// user who generated a job and reviewed some of it).
//
// Needs Chromium at /usr/bin/chromium (apt-get install chromium).
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://localhost:3124";
const outDir = process.argv[3] ?? "docs/screenshots";
const only = process.argv[4];
const DESKTOP = { width: 1280, height: 820 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

/** A page signed in as the demo user (one session shared by every context). */
async function openPage(options, session) {
  const context = await browser.newContext({ ...options, ...(session ? { storageState: session } : {}) });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  if (!session) {
    await page.goto(`${base}/sign-in`);
    await page.fill("input[name=name]", "Ada Lovelace");
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/`);
  }
  return page;
}

async function shot(page, name) {
  await page.waitForTimeout(400); // let entrance animations finish
  await page.screenshot({ path: `${outDir}/${name}.png` });
  console.log(`${outDir}/${name}.png`);
}

async function generate(page, prompt) {
  await page.getByRole("button", { name: "Generate questions" }).first().click();
  await page.getByRole("dialog").waitFor();
  await page.keyboard.type(prompt);
  await page.keyboard.press("Control+Enter");
  await page.getByRole("dialog").waitFor({ state: "detached" });
}

async function waitForIdle(page, timeout = 180_000) {
  await page.getByRole("button", { name: "Background tasks, none running" }).waitFor({ timeout });
}

async function openPanel(page) {
  await page.getByRole("button", { name: /^Background tasks/ }).click();
  await page.getByRole("dialog", { name: "Background tasks" }).waitFor();
  await page.waitForTimeout(300);
}

async function answerFirstQuestion(page) {
  await page.goto(`${base}/`);
  await page.getByRole("list", { name: "Answers" }).waitFor();
  await page.keyboard.press("2");
  await page.getByRole("group", { name: "How well did you know it?" }).waitFor();
}

/** My Questions with the live strip: a paused job, a running one with its estimate, a question just added. */
async function captureLiveStrip() {
  const page = await openPage({ colorScheme: "light", viewport: DESKTOP });
  await page.goto(`${base}/my-questions`);
  await generate(page, "NATO phonetic alphabet");
  await waitForIdle(page);
  const strip = page.getByRole("region", { name: "Generations in progress" });
  await generate(page, "Spanish irregular verbs");
  const spanish = strip.getByTestId("job-live-row").filter({ hasText: "Spanish" });
  await spanish
    .getByText(/[2-9] of \d+ saved/)
    .first()
    .waitFor({ timeout: 60_000 });
  await spanish.getByRole("button", { name: "Pause" }).click();
  await spanish
    .getByText(/Paused · /)
    .first()
    .waitFor();
  await generate(page, "The periodic table: first 20 elements");
  const periodic = strip.getByTestId("job-live-row").filter({ hasText: "periodic" });
  await periodic.getByTestId("time-left").waitFor({ timeout: 60_000 });
  await page
    .locator("[data-sonner-toast]")
    .first()
    .waitFor({ state: "detached", timeout: 15_000 })
    .catch(() => undefined);
  await page.getByText("Just added").first().waitFor({ timeout: 30_000 });
  await page.keyboard.press("Escape");
  await page.mouse.move(0, 0);
  await shot(page, "light-live-strip");
  await page.context().close();
}

/** Rates the due questions one by one, in a mix of ratings, until `count` are done or none is due. */
async function review(page, count) {
  await page.goto(`${base}/`);
  const ratings = ["3", "4", "2", "3", "1", "4", "3", "4"];
  for (let i = 0; i < count; i++) {
    const answers = page.getByRole("list", { name: "Answers" });
    if (!(await answers.isVisible().catch(() => false))) {
      await answers.waitFor({ timeout: 5000 }).catch(() => undefined);
      if (!(await answers.isVisible())) break;
    }
    await page.keyboard.press(i % 3 === 2 ? "2" : "1");
    await page.getByRole("group", { name: "How well did you know it?" }).waitFor();
    await page.keyboard.press(ratings[i % ratings.length]);
    await page.getByText(`${i + 1} reviewed`).waitFor();
    await page.getByRole("group", { name: "How well did you know it?" }).waitFor({ state: "detached" });
  }
}

/** The statistics page after a session: today's reviews, retention, the forecast, the calendar. */
async function captureStatistics(session) {
  const page = await openPage({ colorScheme: "light", viewport: { width: 1280, height: 1480 } }, session);
  if (!session) {
    await generate(page, "NATO phonetic alphabet");
    await waitForIdle(page);
  }
  await review(page, 12);
  await page.goto(`${base}/statistics`);
  await page.locator(".recharts-surface").nth(1).waitFor();
  await page.mouse.move(0, 0);
  await shot(page, "light-statistics");
  const state = await page.context().storageState();
  await page.context().close();
  const phone = await openPage({ colorScheme: "dark", ...PHONE }, state);
  await phone.goto(`${base}/statistics`);
  await phone.locator(".recharts-surface").nth(1).waitFor();
  await shot(phone, "mobile-dark-statistics");
  await phone.context().close();
}

/** An Anki "Notes in Plain Text" export to import: cards with only an answer, a repeated one, a cloze card. */
const ANKI_FILE = [
  "#separator:tab",
  "#html:true",
  "#deck:Languages::Spanish verbs",
  "#notetype:Basic",
  "#columns:Front\tBack\tTags",
  "#tags column:3",
  "to eat\tcomer<br><br>Regular -er verb.\tverbs",
  "to drink\tbeber\tverbs",
  "to live\tvivir<br><br>Regular -ir verb.\tverbs",
  "to speak\thablar\tverbs",
  "to be (lasting)\tser<br><br>Irregular.\tverbs",
  "to be (a state)\testar\tverbs",
  "to have\ttener\tverbs",
  "To eat\tcomer\tverbs",
  "{{c1::Ir}} means to go.\t\tverbs",
].join("\n");

/** My Questions as it is, then searched, then the import dialog's preview of an Anki file. */
async function captureMyQuestions(page) {
  await page.goto(`${base}/my-questions`);
  await page.getByRole("article").first().waitFor();
  await page.mouse.move(0, 0);
  await shot(page, "light-my-questions");
  await page.getByRole("searchbox", { name: "Search questions" }).fill("helium");
  await page.waitForURL(/q=helium/);
  await page.getByText(/^\d+ (best )?match/).waitFor();
  await shot(page, "light-search");
  await page.getByRole("searchbox", { name: "Search questions" }).fill("");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import questions" });
  await dialog
    .locator("input[type=file]")
    .setInputFiles({ name: "Spanish verbs.txt", mimeType: "text/plain", buffer: Buffer.from(ANKI_FILE) });
  await dialog.getByRole("region", { name: "Preview" }).waitFor();
  await page.setViewportSize({ ...DESKTOP, height: 960 }); // the whole dialog
  await shot(page, "light-import");
  await page.setViewportSize(DESKTOP);
  await page.keyboard.press("Escape");
}

try {
  if (only === "live-strip") {
    await captureLiveStrip();
  } else if (only === "statistics") {
    await captureStatistics();
  } else if (only === "my-questions") {
    const page = await openPage({ colorScheme: "light", viewport: DESKTOP });
    await generate(page, "NATO phonetic alphabet");
    await generate(page, "The periodic table: first 20 elements");
    await waitForIdle(page);
    await captureMyQuestions(page);
    await page.context().close();
  } else {
    // ── Data: one finished job, two failures, a cancelled one, one running ──
    const page = await openPage({ colorScheme: "light", viewport: DESKTOP });
    await generate(page, "NATO phonetic alphabet");
    await waitForIdle(page);
    await generate(page, "Byzantine emperors");
    await generate(page, "Quantum field theory");
    await waitForIdle(page);
    await generate(page, "Spanish irregular verbs");
    await openPanel(page);
    const spanish = page.getByRole("article").filter({ hasText: "Spanish irregular verbs" });
    await spanish.getByText(/Generating: [2-9] of/).waitFor({ timeout: 60_000 });
    await spanish.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Stop generation" }).click();
    await page.getByRole("alertdialog").waitFor({ state: "detached" });
    await page.keyboard.press("Escape");
    await page.waitForTimeout(600);
    await generate(page, "The periodic table: first 20 elements");
    await page.waitForTimeout(5000);
    const session = await page.context().storageState();

    // ── Light, desktop ──
    await answerFirstQuestion(page);
    await shot(page, "light-review");
    await openPanel(page);
    await shot(page, "light-tasks-panel");
    await page
      .getByRole("article")
      .filter({ hasText: "periodic table" })
      .getByRole("link", { name: "Details" })
      .click();
    await page.waitForURL(/\/jobs\//);
    await page.getByRole("heading", { name: /Questions/ }).waitFor();
    await page.waitForTimeout(1500);
    await shot(page, "light-job-detail");
    await captureMyQuestions(page);
    await page.getByRole("button", { name: "Generate questions" }).first().click();
    await page.keyboard.type("Photosynthesis: the light and dark reactions, for a biology exam");
    await shot(page, "light-generate");
    await page.context().close();

    // ── Dark, desktop ──
    const dark = await openPage({ colorScheme: "dark", viewport: DESKTOP }, session);
    await answerFirstQuestion(dark);
    await shot(dark, "dark-review");
    await openPanel(dark);
    await dark.getByRole("tab", { name: "Failed" }).click();
    await dark.waitForTimeout(500);
    await shot(dark, "dark-tasks-panel");
    await dark.getByRole("article").filter({ hasText: "Byzantine" }).getByRole("link", { name: "Details" }).click();
    await dark.waitForURL(/\/jobs\//);
    await dark.getByText("Technical details").click();
    await shot(dark, "dark-job-failed");
    await dark.context().close();

    // ── Phone, light and dark ──
    for (const scheme of ["light", "dark"]) {
      const phone = await openPage({ colorScheme: scheme, ...PHONE }, session);
      await phone.goto(`${base}/`);
      await phone.getByRole("list", { name: "Answers" }).waitFor();
      await shot(phone, `mobile-${scheme}-review`);
      await openPanel(phone);
      await shot(phone, `mobile-${scheme}-tasks-panel`);
      await phone.context().close();
    }

    await captureStatistics(session);
  }
} catch (error) {
  for (const context of browser.contexts())
    for (const page of context.pages()) await page.screenshot({ path: `${outDir}/capture-failed.png` });
  throw error;
} finally {
  await browser.close();
}
