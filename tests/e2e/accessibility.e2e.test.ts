/**
 * axe-core on every page and state of the app, in Chromium (`axe.ts`): zero
 * serious or critical violations, and none of the moderate `region` and
 * `heading-order`. Light and dark, desktop and phone.
 */
import { describe, expect, test } from "vitest";
import { axeViolations } from "./axe";
import { browserSuite } from "./suite";
import { App, visible } from "./pages";

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
      });
    });
  }
});
