/**
 * Learning from your own material (issue 22), in Chromium against the production build and the local backend:
 * a Markdown file and a text PDF (read in the page by PDF.js, its worker under the Content-Security-Policy) become
 * jobs that say which section they are on, each question opens its source (the quote highlighted in its context),
 * and files that cannot be used are refused in the modal before anything is sent. axe checks the modal with
 * material chosen and a question's source open. The directive model answers
 * each section's call from that section, with real quotes; `[[pace:MS]]` in what to focus on slows it down.
 */
import { closeSync, mkdtempSync, openSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { SOURCE_CONFIG } from "../../lib/constants/sources";
import { axeViolations } from "./axe";
import { browserSuite } from "./suite";
import { hidden, visible, SHOW_TIMEOUT_MS } from "./pages";

const suite = browserSuite();
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/sources");

describe("a job over your own material", () => {
  test("a Markdown file: the sections progress one by one, and a question opens its source", async () => {
    const ada = await suite.signIn("Ada");
    await ada.gotoMyQuestions();
    await ada.chooseMaterial(path.join(FIXTURES, "photosynthesis.md"));
    await visible(ada.materialCard.getByText("photosynthesis.md"));
    expect(await axeViolations(ada.page)).toEqual([]);
    await ada.modal.getByRole("spinbutton", { name: "Questions" }).fill("10");
    await ada.modal.getByRole("textbox", { name: "Generate questions" }).fill("The light reactions [[pace:450]]");
    await ada.submit();
    await hidden(ada.modal);

    // The live strip says which section the job is writing, and it moves on.
    const label = ada.strip.getByTestId("live-label");
    await visible(label.getByText(/^Section [1-3] of \d+ · \d+ of 10 saved$/), SHOW_TIMEOUT_MS);
    const [, first, steps] = (await label.innerText()).match(/^Section (\d+) of (\d+) ·/)!.map(Number);
    expect(steps).toBeGreaterThan(3);
    // A later section (a busy client may get two steps in one update, so not necessarily the next one).
    const section = async () =>
      Number((await label.innerText({ timeout: 1000 })).match(/^Section (\d+) of /)?.[1] ?? 0);
    await expect.poll(section, { timeout: SHOW_TIMEOUT_MS }).toBeGreaterThan(first!);
    await visible(ada.liveRow("Photosynthesis")); // named after the material once its first question is saved
    await hidden(ada.strip, 30_000);
    await expect.poll(() => ada.questions.count()).toBe(10);

    // A question's Source: the quote, highlighted, in its context, with where it comes from.
    const card = ada.questions.first();
    await card.getByText("Source", { exact: true }).click();
    const source = card.getByTestId("question-source");
    await visible(source.getByText(/^From “photosynthesis\.md” · “/));
    const quote = await source.locator("mark").innerText();
    expect(quote.length).toBeGreaterThan(20);
    expect(await source.locator("blockquote").innerText()).toContain(quote);
    expect(await axeViolations(ada.page)).toEqual([]);

    // My Questions filtered by the material: its 10 questions, not those of a job on a prompt.
    await ada.generate("Unrelated topic [[count:5]] [[pace:10]]");
    await expect.poll(() => ada.questions.count(), { timeout: SHOW_TIMEOUT_MS }).toBe(15);
    await ada.page.getByRole("combobox", { name: "Topic" }).click();
    await ada.page.getByRole("option", { name: "From “photosynthesis.md”" }).click();
    await ada.page.waitForURL(/[?&]source=/);
    await expect.poll(() => ada.questions.count()).toBe(10);
    expect(await ada.questions.getByTestId("question-source").count()).toBe(10);
  });

  test("a text PDF read in the page under the CSP: the job shows its pages; review shows the source once answered", async () => {
    const grace = await suite.signIn("Grace");
    const worker = grace.page.waitForEvent("worker", { timeout: SHOW_TIMEOUT_MS });
    await grace.chooseMaterial(path.join(FIXTURES, "timekeeping.pdf"));
    // PDF.js loads only now, and runs in a worker the app serves itself; the suite fails the test if the CSP blocked any of it.
    await visible(grace.materialCard.getByText(/PDF · 6 pages/), SHOW_TIMEOUT_MS);
    expect(new URL((await worker).url()).origin).toBe(suite.app.baseURL);
    await grace.modal.getByRole("spinbutton", { name: "Questions" }).fill("5");
    await grace.modal.getByRole("button", { name: "Generate questions" }).click();
    await hidden(grace.modal);
    await grace.openPanel();
    const card = grace.card("Timekeeping");
    await visible(card.getByTestId("job-source").getByText("From “timekeeping.pdf”"));
    await visible(card.getByText("5 questions ready"), 30_000);
    const jobId = await grace.jobIdOf(card);
    await grace.closePanel();

    await grace.page.goto(`/jobs/${jobId}`);
    await visible(grace.page.getByRole("button", { name: "More from this source" }));
    await grace.gotoReviewOf(`?job=${jobId}`);
    await expect.poll(() => grace.answers.count()).toBeGreaterThan(1);
    await expect.poll(() => grace.page.getByText("Source", { exact: true }).count()).toBe(0);
    await grace.answers.first().click();
    await grace.page.getByText("Source", { exact: true }).click();
    await visible(grace.page.getByTestId("question-source").getByText(/^From “timekeeping\.pdf” · .*pages? \d/));
    await visible(grace.page.getByTestId("question-source").locator("mark"));
  });

  test("refused in the modal before any upload: a scanned PDF and a file over the size limit", async () => {
    const alan = await suite.signIn("Alan");
    await alan.chooseMaterial(path.join(FIXTURES, "scanned.pdf"));
    await visible(
      alan.modal.getByRole("alert").getByText(/This PDF has no text to read: its pages are pictures/),
      SHOW_TIMEOUT_MS,
    );

    // A sparse file one byte over the limit: refused from its size alone, never read.
    const big = path.join(mkdtempSync(path.join(tmpdir(), "e2e-sources-")), "slides.pdf");
    const fd = openSync(big, "w");
    ftruncateSync(fd, SOURCE_CONFIG.MAX_FILE_BYTES + 1);
    closeSync(fd);
    await alan.modal.getByLabel("Choose a file").setInputFiles(big);
    await visible(alan.modal.getByRole("alert").getByText("This file is 50.0 MB; files up to 50.0 MB can be read."));
    await expect.poll(() => alan.materialCard.count()).toBe(0);
    // With nothing usable chosen, the form still asks for a topic.
    await alan.modal.getByRole("button", { name: "Generate questions" }).click();
    await visible(alan.modal.getByText("Type what you want to learn about."));
  });
});
