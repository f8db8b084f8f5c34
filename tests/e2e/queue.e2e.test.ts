/**
 * Jobs that wait their turn (issue 18), in Chromium against the production
 * build and the local backend, with the deployment's pool at one generation at
 * a time (`MAX_PARALLEL_GENERATIONS=1`): a queued job's place and expected
 * start on its task card, in the live strip and on its page, live; the badge
 * counting running and queued jobs apart; the next job starting when the
 * running one ends; and axe on the queued states.
 */
import { expect, test } from "vitest";
import { axeViolations } from "./axe";
import { browserSuite } from "./suite";
import { hidden, visible, SHOW_TIMEOUT_MS } from "./pages";

const suite = browserSuite({ backendEnv: { MAX_PARALLEL_GENERATIONS: "1" } });

/** "next in line · starts in about 20 s" (no attempt has finished yet: the pool's default pace). */
const standing = (place: string) => new RegExp(`^${place} in line · starts in about \\d+ (s|min)$`);

test("a queued job says where it stands and when it should start, live, everywhere it is shown; it starts when the running one ends", async () => {
  const ada = await suite.signIn("Ada");
  await ada.gotoMyQuestions();
  // Long enough to look at the queue behind it; the two behind it are quick.
  await ada.generate("Running topic [[count:40]] [[pace:500]]");
  await ada.expectRunning(1, SHOW_TIMEOUT_MS);
  await ada.generate("Second topic [[count:4]] [[pace:700]]");
  await ada.generate("Third topic [[count:3]] [[pace:20]]");
  await ada.expectRunningAndQueued(1, 2);

  // The live strip on My Questions: each queued job's place and start estimate.
  await expect
    .poll(() => ada.liveRow("Second topic").getByTestId("queue-standing").innerText())
    .toMatch(standing("next"));
  await expect
    .poll(() => ada.liveRow("Third topic").getByTestId("queue-standing").innerText())
    .toMatch(standing("2nd"));
  // And on Review (axe runs there: on My Questions the running job's questions keep fading in).
  await ada.gotoReview();
  await expect
    .poll(() => ada.liveRow("Third topic").getByTestId("queue-standing").innerText())
    .toMatch(standing("2nd"));
  const found: string[] = [];
  const audit = async (state: string) => found.push(...(await axeViolations(ada.page)).map((v) => `${state}: ${v}`));
  await audit("Review, live strip with queued jobs");

  // The task cards.
  await ada.openPanel();
  await expect.poll(() => ada.card("Second topic").getByTestId("queue-standing").innerText()).toMatch(standing("next"));
  await expect.poll(() => ada.card("Third topic").getByTestId("queue-standing").innerText()).toMatch(standing("2nd"));
  await visible(ada.card("Third topic").getByText(/^Queued ·/));
  await audit("background tasks panel with queued jobs");
  const thirdId = await ada.jobIdOf(ada.card("Third topic"));
  await ada.closePanel();

  // The job page, where the standing moves up, live, when the running job ends and the second starts.
  await ada.page.goto(`/jobs/${thirdId}`);
  const standingOnPage = ada.page.getByRole("main").getByTestId("queue-standing");
  await expect.poll(() => standingOnPage.innerText()).toMatch(standing("2nd"));
  await audit("job page of a queued job");
  await expect
    .poll(() => standingOnPage.innerText(), { timeout: 30_000 })
    .toMatch(/^next in line · (starts in about|starting now)/);
  await ada.expectRunningAndQueued(1, 1);

  // Then the third starts too: its standing goes, and it runs to the end.
  await hidden(standingOnPage, SHOW_TIMEOUT_MS);
  await ada.expectRunning(0, SHOW_TIMEOUT_MS);
  await ada.gotoMyQuestions(`?job=${thirdId}`);
  await expect.poll(() => ada.questions.count()).toBe(3);
  expect(found).toEqual([]);
});
