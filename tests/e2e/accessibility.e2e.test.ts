/**
 * axe-core on every page and state of the app, in Chromium (`axe.ts`): zero
 * serious or critical violations, and none of the moderate `region`,
 * `heading-order` and `page-has-heading-one`. Light and dark, desktop and
 * phone; with menus and selects open, with a dialog over a fading "Just
 * added" mark, with the mark frozen mid-fade, on the job page while it writes,
 * and on the statistics page.
 */
import { describe, expect, test } from "vitest";
import { axeViolations, freezeAnimations } from "./axe";
import { browserSuite } from "./suite";
import { App, hidden, visible, SHOW_TIMEOUT_MS } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

/** Runs axe on each state `visit` reaches, and fails with every violation found, named by state. */
async function audit(user: App, visit: (check: (state: string) => Promise<void>) => Promise<void>): Promise<void> {
  const found: string[] = [];
  await visit(async (state) => {
    for (const violation of await axeViolations(user.page)) found.push(`${state}: ${violation}`);
  });
  expect(found).toEqual([]);
}

const VARIANTS = [
  { name: "light, desktop", options: {} },
  { name: "dark, desktop", options: { colorScheme: "dark" as const } },
  { name: "dark, phone", options: { colorScheme: "dark" as const, viewport: { width: 390, height: 844 } } },
];

describe("accessibility (axe)", () => {
  test("the sign-in page", async () => {
    const context = await suite.app.browser.newContext({ baseURL: suite.app.baseURL });
    const page = await context.newPage();
    suite.track(page);
    await page.goto("/sign-in");
    await visible(page.getByLabel("Display name"));
    expect(await axeViolations(page)).toEqual([]);
  });

  for (const variant of VARIANTS) {
    test(`every signed-in page and state: ${variant.name}`, async () => {
      const user = await signIn("Axe", variant.options);
      await audit(user, async (check) => {
        await check("review, empty");
        await user.gotoMyQuestions();
        await visible(user.page.getByRole("heading", { name: "No questions yet" }));
        await check("My Questions, empty");

        await user.startTyping("Accessible topic [[count:5]] [[pace:10]]");
        await check("generation modal open");
        await user.submit();
        await user.expectRunning(0, 30_000);
        await user.openPanel();
        await check("background tasks panel open");
        const jobId = await user.jobIdOf(user.card("Accessible topic"));
        await user.closePanel();

        await user.gotoMyQuestions("?topic=Accessible%20topic");
        await expect.poll(() => user.questions.count()).toBe(5);
        await check("My Questions, filtered by topic");
        await user.page.getByRole("checkbox", { name: "Select all shown" }).check();
        await check("My Questions, a selection");
        await user.questions.first().getByRole("button", { name: "Edit" }).click();
        await visible(user.page.getByRole("dialog", { name: "Edit question" }));
        await check("edit dialog open");
        await user.page.keyboard.press("Escape");
        await user.page.getByRole("button", { name: "Rename or merge “Accessible topic”" }).click();
        await user.page.getByRole("menuitem", { name: "Rename topic…" }).click();
        await visible(user.page.getByRole("dialog", { name: "Rename topic" }));
        await check("rename topic dialog open");
        await user.page.keyboard.press("Escape");

        await user.gotoMyQuestions("?q=accessible+question+2");
        await visible(user.page.getByText(/^\d+ match/));
        await check("My Questions, a search and its marked words");
        await user.gotoMyQuestions("?q=nothing+like+this&show=flagged");
        await visible(user.page.getByText("No question here matches “nothing like this”."));
        await check("My Questions, a search with no match");
        await user.page.getByRole("button", { name: "Add a question" }).click();
        await visible(user.page.getByRole("dialog", { name: "Add a question" }));
        await check("add question dialog open");
        await user.page.keyboard.press("Escape");
        await user.page.getByRole("button", { name: "Import", exact: true }).click();
        const importDialog = user.page.getByRole("dialog", { name: "Import questions" });
        await importDialog.locator("input[type=file]").setInputFiles({
          name: "notes.csv",
          mimeType: "text/csv",
          buffer: Buffer.from("question,options,answer\nAccessible topic question 1,a|b,a\nNew one?,a|b,a\n,a|b,a\n"),
        });
        await visible(importDialog.getByRole("region", { name: "Preview" }));
        await check("import dialog, the preview");
        await user.page.keyboard.press("Escape");

        await user.page.goto(`/jobs/${jobId}`);
        await visible(user.page.getByRole("heading", { name: /Questions/, level: 2 }));
        await check("job page");

        await user.page.getByRole("button", { name: /^Account/ }).click();
        await visible(user.page.getByRole("menu"));
        await check("job page, the user menu open");
        await user.page.keyboard.press("Escape");

        await user.gotoReview();
        await visible(user.answers);
        await check("review, before answering");
        await user.page.getByRole("button", { name: "This question is wrong" }).click();
        await visible(user.page.getByRole("dialog", { name: "Flag this question as wrong" }));
        await check("flag dialog open");
        await user.page.keyboard.press("Escape");
        await user.answers.first().click();
        await visible(user.ratings);
        await check("review, after answering");
        await user.ratings.getByRole("button").first().click();
        await visible(user.page.getByRole("button", { name: "Undo rating" }));
        await check("review, a rating to undo");

        await user.page.goto("/statistics");
        await visible(user.page.getByRole("heading", { name: "Reviews per day" }));
        await check("statistics");
        await user.page.getByText("Show as a table").first().click();
        await check("statistics, a chart as a table");
      });
    }, 150_000);

    test(`while questions arrive: menus, selects, the fading mark, dialogs over it, the job page writing: ${variant.name}`, async () => {
      const user = await signIn("Axe live", variant.options);
      await audit(user, async (check) => {
        await user.generate("Arriving topic [[count:50]] [[pace:800]]");
        await user.openPanel();
        const jobId = await user.jobIdOf(user.card("Arriving topic"));
        await user.closePanel();
        await user.page.goto(`/jobs/${jobId}`);
        await visible(user.page.getByRole("status").filter({ hasText: /Writing question \d+/ }), SHOW_TIMEOUT_MS);
        await check("job page while it writes");

        await user.gotoMyQuestions();
        await visible(user.page.getByText("Just added"), SHOW_TIMEOUT_MS);
        await check("My Questions, questions arriving");
        expect(await freezeAnimations(user.page, "arrival", 0.9)).toBeGreaterThan(0);
        await check("My Questions, the Just added mark nine tenths through");

        await user.page.getByRole("combobox").first().click();
        await visible(user.page.getByRole("listbox"));
        await check("My Questions, the filter select open");
        await user.page.keyboard.press("Escape");
        await hidden(user.page.getByRole("listbox"));
        await user.page.getByRole("button", { name: "Export" }).click();
        await visible(user.page.getByRole("menu"));
        await check("My Questions, the export menu open");
        await user.page.keyboard.press("Escape");

        await user.questions.first().getByRole("button", { name: "Edit" }).click();
        await visible(user.page.getByRole("dialog", { name: "Edit question" }));
        await check("edit dialog over a fading Just added mark");
        await user.page.keyboard.press("Escape");
      });
    }, 120_000);
  }
});
