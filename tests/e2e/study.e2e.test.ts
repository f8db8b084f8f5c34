/**
 * Studying (issue 23), in Chromium against the production build and the local
 * backend: the new cards per day limit and its setting, undoing a rating,
 * the statistics page, focus after each rating, and a rating made while the
 * server is away.
 */
import { describe, expect, test } from "vitest";
import { browserSuite } from "./suite";
import { App, hidden, visible } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

const dueBadge = (user: App) => user.page.getByText(/^\d+\+? due$/);

/** Answers the question on screen with its first option and rates it "Good" by keyboard (1, then 3). */
async function answerAndRate(user: App): Promise<string> {
  const question = await user.page.getByRole("heading", { level: 2 }).first().innerText();
  await visible(user.answers);
  await user.page.keyboard.press("1");
  await visible(user.ratings);
  await user.page.keyboard.press("3");
  return question;
}

describe("new cards per day", () => {
  test("a 50-question job makes the day's limit due, not 99+; the setting changes it", async () => {
    const ada = await signIn("Ada");
    await ada.generate("Limited topic [[count:50]] [[pace:1]]");
    await ada.expectRunning(0, 30_000);
    await ada.gotoReview();
    await expect.poll(() => dueBadge(ada).innerText()).toBe("20 due");

    await ada.page.getByRole("link", { name: "Statistics" }).first().click();
    const field = ada.page.getByLabel("New questions per day");
    await visible(field);
    expect(await field.inputValue()).toBe("20");
    await field.fill("two");
    await ada.page.getByRole("button", { name: "Save" }).click();
    await visible(ada.page.getByText("Enter a whole number from 0 to 500."));
    await field.fill("2");
    await ada.page.getByRole("button", { name: "Save" }).click();
    await visible(ada.toast("Saved"));

    await ada.gotoReview();
    await expect.poll(() => dueBadge(ada).innerText()).toBe("2 due");
    for (let i = 0; i < 2; i++) {
      await answerAndRate(ada);
      await hidden(ada.ratings);
    }
    // Rated "Good" once, a new card comes back within minutes: nothing else today, and the page says why.
    await visible(ada.page.getByText(/That's today's 2 new questions; more new ones come tomorrow/));
    await visible(ada.page.getByRole("link", { name: "Change new cards per day" }));
  }, 120_000);
});

describe("undo and focus", () => {
  test("each rating moves focus to the next question; Undo rating brings the last one back as it was", async () => {
    const grace = await signIn("Grace");
    await grace.generate("Undo topic [[count:3]] [[pace:1]]");
    await grace.expectRunning(0, 30_000);
    await grace.gotoReview();
    await expect.poll(() => dueBadge(grace).innerText()).toBe("3 due");
    const first = await answerAndRate(grace);
    await expect.poll(() => dueBadge(grace).innerText()).toBe("2 due");
    // Focus is on the next question, so the keys go on working and a screen reader reads it.
    await expect.poll(() => grace.page.evaluate(() => document.activeElement?.id)).toBe("review-question");
    expect(await grace.page.getByRole("heading", { level: 2 }).first().innerText()).not.toBe(first);
    await visible(grace.page.getByText("1 reviewed"));

    await grace.page.getByRole("button", { name: "Undo rating" }).click();
    await expect.poll(() => grace.page.getByRole("heading", { level: 2 }).first().innerText()).toBe(first);
    await expect.poll(() => dueBadge(grace).innerText()).toBe("3 due");
    await hidden(grace.page.getByText("1 reviewed"));
    await hidden(grace.page.getByRole("button", { name: "Undo rating" }));

    // Nothing of the undone rating is left in the statistics.
    await grace.page.goto("/statistics");
    const today = grace.page.locator("dd").filter({ hasText: /^\d+$/ }).first();
    await expect.poll(() => today.innerText()).toBe("0");
  });
});

describe("statistics", () => {
  test("reviews per day, retention, the forecast and the calendar, each chart with its table", async () => {
    const alan = await signIn("Alan");
    await alan.generate("Charted topic [[count:4]] [[pace:1]]");
    await alan.expectRunning(0, 30_000);
    await alan.gotoReview();
    for (let i = 0; i < 3; i++) {
      await answerAndRate(alan);
      // The count moves on the answer; the next question comes once the rating is saved (keys pressed
      // before then went to the rated question, and were ignored).
      await expect.poll(() => alan.page.getByText(`${i + 1} reviewed`).count()).toBe(1);
      await hidden(alan.ratings);
    }
    await alan.page.goto("/statistics");
    await visible(alan.page.getByRole("heading", { name: "Statistics", level: 1 }));
    const tiles = alan.page.getByRole("definition");
    await expect.poll(() => tiles.first().innerText()).toBe("3");
    await visible(alan.page.getByText("3 new"));
    // The first option is the right one for the directive model's questions half the time; whatever it was, it is counted.
    await visible(alan.page.getByText(/^\d+ right of 3$/).first());
    await visible(alan.page.getByText("3 reviews in the last 30 days."));
    await visible(alan.page.getByText(/3 studied questions come due in the next 30 days/));
    await visible(alan.page.getByText("Reviewed on 1 of the last 365 days."));
    // Charts are drawn (recharts), and their numbers are a click away as tables.
    expect(await alan.page.locator(".recharts-surface").count()).toBe(2);
    const reviews = alan.page.getByRole("region", { name: "Reviews per day" });
    await reviews.getByText("Show as a table").click();
    const table = reviews.getByRole("table");
    await visible(table);
    expect(await table.getByRole("row").count()).toBe(31);
    expect(await table.getByRole("row").last().getByRole("cell").allInnerTexts()).toEqual(["0", "3"]);
  });
});

describe("server away", () => {
  test("a rating made while the server is away keeps the card with a note, and is saved once it is back", async () => {
    const linus = await signIn("Linus");
    const socket = await linus.controlSyncSocket();
    await linus.generate("Offline review [[count:2]] [[pace:1]]");
    await linus.expectRunning(0, 30_000);
    await linus.gotoReview();
    await expect.poll(() => dueBadge(linus).innerText()).toBe("2 due");

    await socket.cut();
    await visible(linus.serverAway, 10_000);
    const question = await answerAndRate(linus);
    await visible(
      linus.page.getByText("You're offline. Your rating (good) will be saved when the connection is back."),
    );
    expect(await linus.page.getByRole("heading", { level: 2 }).first().innerText()).toBe(question);
    expect(await linus.page.getByRole("status", { name: "Loading the next question" }).count()).toBe(0);

    socket.restore();
    await hidden(linus.serverAway, 30_000);
    await expect.poll(() => dueBadge(linus).innerText(), { timeout: 30_000 }).toBe("1 due");
    await hidden(linus.page.getByText(/You're offline/));
  });
});
