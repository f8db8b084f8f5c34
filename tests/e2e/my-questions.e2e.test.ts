/**
 * The learner's basics on My Questions, in Chromium: add a question by hand, import CSV and Anki files (with the
 * preview, duplicates and bad lines), search, the flagged / suspended / due filters and orders (kept in the URL),
 * select every question of a view across pages, rename and merge topics, and the flag toast's way to the
 * flagged view. Each test signs in as its own user.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { browserSuite } from "./suite";
import { App, hidden, visible } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

/** A CSV of `count` questions on `topic` ("<topic> fact 1" …), this app's simple layout. */
function csvOf(topic: string, count: number, from = 1): string {
  const rows = ["question,options,answer,explanation,topic"];
  for (let i = from; i < from + count; i++)
    rows.push(
      `"${topic} fact ${i}: which is right?",Right ${i}|Wrong ${i}|Other ${i},Right ${i},"Because, ${i}.",${topic}`,
    );
  return rows.join("\r\n") + "\r\n";
}

/** My Questions of a user who has none yet (its first-run state). */
async function gotoFirstRun(user: App): Promise<void> {
  await user.page.goto("/my-questions");
  await visible(user.page.getByRole("heading", { name: "No questions yet", level: 1 }));
}

/** Imports `text` as a file named `name` through the dialog; returns the dialog (still open, previewed). */
async function preview(user: App, name: string, text: string) {
  await user.page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = user.page.getByRole("dialog", { name: "Import questions" });
  await visible(dialog);
  await dialog.locator("input[type=file]").setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(text) });
  await visible(dialog.getByRole("region", { name: "Preview" }));
  return dialog;
}

async function imported(user: App, name: string, text: string, count: number): Promise<void> {
  const dialog = await preview(user, name, text);
  await dialog.getByRole("button", { name: `Import ${count} question${count === 1 ? "" : "s"}` }).click();
  await hidden(dialog);
  await visible(user.toast(`Imported ${count} question`));
}

describe("adding questions", () => {
  test("add one by hand: a bad one is refused in the dialog, a duplicate too; a good one joins a new topic", async () => {
    const ada = await signIn("Ada");
    await gotoFirstRun(ada);
    await ada.page.getByRole("button", { name: "Add a question" }).first().click();
    const dialog = ada.page.getByRole("dialog", { name: "Add a question" });
    await dialog.getByLabel("Question", { exact: true }).fill("Which metal is liquid at room temperature?");
    await dialog.getByLabel("Option 1", { exact: true }).fill("Mercury");
    await dialog.getByLabel("Option 2", { exact: true }).fill("Iron");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await visible(dialog.getByRole("alert").getByText("Give the topic a name."));
    await dialog.getByLabel("Topic").fill("Chemistry");
    await dialog.getByLabel("Option 4 is the right answer").check();
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await visible(dialog.getByRole("alert").getByText("Choose which option is the right answer."));
    await dialog.getByLabel("Option 1 is the right answer").check();
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await hidden(dialog);
    await visible(ada.toast("Question added to “Chemistry”"));
    await visible(ada.questionCard("Which metal is liquid at room temperature?").getByText("Chemistry"));

    // The same question again (case and punctuation aside) is refused, naming where it is.
    await ada.page.getByRole("button", { name: "Add a question" }).click();
    await dialog.getByRole("radio", { name: "True or false" }).check();
    await dialog.getByLabel("Question", { exact: true }).fill("which metal is liquid at room temperature");
    await dialog.getByLabel("Topic").fill("Chemistry");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await visible(dialog.getByRole("alert").getByText("You already have this question (in “Chemistry”)."));
  });

  test("import a CSV: the preview counts, lists bad lines and duplicates; the import adds the rest, once", async () => {
    const grace = await signIn("Grace");
    await gotoFirstRun(grace);
    const text = [
      "\uFEFFquestion,options,answer,explanation",
      '"Capital of France, today?",Paris|Lyon|Nice,Paris,"Since 987, mostly."',
      "Capital of Spain?,Madrid|Lisbon,Madrid,",
      ",a|b,a,",
      "Capital of Italy?,Rome|Milan,Naples,",
      '"capital of france,  TODAY?",Paris|Lyon,Paris,',
      "",
    ].join("\r\n");
    const dialog = await preview(grace, "capitals.csv", text);
    const summary = dialog.getByRole("region", { name: "Preview" });
    await visible(summary.getByText("2 questions to add"));
    await visible(summary.getByText("1 duplicate skipped (line 6)"));
    await visible(summary.getByText("Line 4: No question on this line."));
    await visible(summary.getByText(/Line 5: The answer must be one of the options/));
    await expect.poll(() => dialog.getByLabel(/^Topic for questions/).inputValue()).toBe("Capitals");
    await dialog.getByRole("button", { name: "Import 2 questions" }).click();
    await hidden(dialog);
    await visible(grace.toast("Imported 2 questions"));
    await grace.page.waitForURL(/topic=Capitals/);
    await expect.poll(() => grace.questions.count()).toBe(2);
    await visible(grace.questionCard("Capital of France, today?"));

    // The same file again: everything is a duplicate, nothing to import.
    const again = await preview(grace, "capitals.csv", text);
    await visible(again.getByText("0 questions to add"));
    expect(await again.getByRole("button", { name: "Import" }).isDisabled()).toBe(true);
  });

  test("Anki: export a topic for Anki (deck and note type headers), then import that file into another account", async () => {
    const katherine = await signIn("Katherine");
    await gotoFirstRun(katherine);
    await imported(katherine, "orbits.csv", csvOf("Orbits", 4), 4);
    await katherine.page.getByRole("button", { name: "Export", exact: true }).click();
    const [file] = await Promise.all([
      katherine.page.waitForEvent("download"),
      katherine.page.getByRole("menuitem", { name: "Anki (tab-separated text)" }).click(),
    ]);
    const anki = readFileSync(await file.path(), "utf8");
    expect(anki.split("\n").slice(0, 6)).toEqual([
      "#separator:tab",
      "#html:true",
      "#notetype:Basic",
      "#deck:Recall::Orbits",
      "#columns:Front\tBack\tTags",
      "#tags column:3",
    ]);

    const mae = await signIn("Mae");
    await gotoFirstRun(mae);
    const dialog = await preview(mae, file.suggestedFilename(), anki);
    await visible(dialog.getByText("4 questions to add"));
    await expect.poll(() => dialog.getByLabel(/^Topic for questions/).inputValue()).toBe("Orbits");
    await dialog.getByRole("button", { name: "Import 4 questions" }).click();
    await hidden(dialog);
    await mae.page.waitForURL(/topic=Orbits/);
    const card = mae.questionCard("Orbits fact 2: which is right?");
    await card.getByText("Show answer").click();
    await visible(card.getByText("Right 2").last());
    await visible(card.getByText("Because, 2."));
  });
});

describe("finding questions", () => {
  test("search text, options and explanations; no match says so; the search is in the URL", async () => {
    const edsger = await signIn("Edsger");
    await gotoFirstRun(edsger);
    await imported(edsger, "mixed.csv", csvOf("Rivers", 3) + csvOf("Lakes", 3).split("\r\n").slice(1).join("\r\n"), 6);
    await edsger.gotoMyQuestions();
    const search = edsger.page.getByRole("searchbox", { name: "Search questions" });
    await search.fill("lakes fact 2");
    await expect.poll(() => edsger.questions.count()).toBe(1);
    await visible(edsger.questionCard("Lakes fact 2: which is right?"));
    await search.fill("because 3"); // in the explanation
    await expect.poll(() => edsger.questions.count()).toBe(2);
    await search.fill("wrong 1"); // an option
    await expect.poll(() => edsger.questions.count()).toBe(2);
    await edsger.page.waitForURL(/q=wrong\+1/);
    await edsger.page.reload();
    await expect.poll(() => search.inputValue()).toBe("wrong 1");
    await expect.poll(() => edsger.questions.count()).toBe(2);
    await search.fill("volcano");
    await visible(edsger.page.getByText("No question here matches “volcano”."));
    await edsger.page.getByRole("button", { name: "Clear the search" }).click();
    await expect.poll(() => edsger.questions.count()).toBe(6);
  });

  test("flag in review, then the toast leads to the flagged view; suspended, due and the order follow the URL", async () => {
    const barbara = await signIn("Barbara");
    await gotoFirstRun(barbara);
    await imported(barbara, "cells.csv", csvOf("Cells", 3), 3);
    await barbara.gotoReview();
    await barbara.page.getByRole("button", { name: "This question is wrong" }).click();
    const flagDialog = barbara.page.getByRole("dialog", { name: "Flag this question as wrong" });
    await flagDialog.getByRole("button", { name: "Flag and suspend" }).click();
    await barbara.toast("Flagged as wrong").getByRole("link", { name: "Show flagged" }).click();
    await barbara.page.waitForURL(/\/my-questions\?show=flagged/);
    await expect.poll(() => barbara.questions.count()).toBe(1);
    await visible(barbara.questions.first().getByText("Flagged as wrong"));

    await barbara.gotoMyQuestions("?show=suspended");
    await expect.poll(() => barbara.questions.count()).toBe(1);
    await barbara.gotoMyQuestions("?show=due");
    await expect.poll(() => barbara.questions.count()).toBe(2);
    await barbara.gotoMyQuestions("?sort=oldest");
    await expect
      .poll(() => barbara.questions.first().getByRole("heading").innerText())
      .toBe("Cells fact 1: which is right?");
    await barbara.page.getByRole("combobox", { name: "Order" }).click();
    await barbara.page.getByRole("option", { name: "Newest first" }).click();
    await barbara.page.waitForURL(/sort=newest/);
    await expect
      .poll(() => barbara.questions.first().getByRole("heading").innerText())
      .toBe("Cells fact 3: which is right?");
  });
});

describe("many at once, and topics", () => {
  test("select every question of a view, across pages, and suspend them all", async () => {
    const alan = await signIn("Alan");
    await gotoFirstRun(alan);
    await imported(alan, "stars.csv", csvOf("Stars", 30), 30);
    await imported(alan, "moons.csv", csvOf("Moons", 2), 2);
    await alan.gotoMyQuestions("?topic=Stars");
    await expect.poll(() => alan.questions.count()).toBe(20);
    await alan.page.getByRole("checkbox", { name: "Select all shown" }).check();
    const bar = alan.page.getByRole("group", { name: "Selected questions" });
    await visible(bar.getByText("20 selected"));
    await bar.getByRole("button", { name: "Select all in this view" }).click();
    await visible(bar.getByText("All questions in this view selected"));
    await bar.getByRole("button", { name: "Suspend", exact: true }).click();
    await visible(alan.toast("Suspended 30 questions"));
    await alan.gotoMyQuestions("?show=suspended");
    await expect.poll(() => alan.page.getByText("Newest first · 20 shown").count()).toBe(1);
    await alan.page.getByRole("button", { name: "Load more" }).click();
    await visible(alan.page.getByText("30 questions in this view"));
    await alan.gotoMyQuestions("?show=due");
    await visible(alan.page.getByText("2 questions in this view"));
  });

  test("rename a topic, then merge it into another: its questions follow", async () => {
    const linus = await signIn("Linus");
    await gotoFirstRun(linus);
    await imported(linus, "a.csv", csvOf("Birds", 2), 2);
    await imported(linus, "b.csv", csvOf("Fish", 3, 10), 3);
    await linus.gotoMyQuestions("?topic=Birds");
    await linus.page.getByRole("button", { name: "Rename or merge “Birds”" }).click();
    await linus.page.getByRole("menuitem", { name: "Rename topic…" }).click();
    const rename = linus.page.getByRole("dialog", { name: "Rename topic" });
    await rename.getByLabel("New name").fill("fish");
    await rename.getByRole("button", { name: "Rename" }).click();
    await visible(
      rename.getByRole("alert").getByText("You already have a topic called “Fish”: merge into it instead."),
    );
    await rename.getByLabel("New name").fill("Songbirds");
    await rename.getByRole("button", { name: "Rename" }).click();
    await hidden(rename);
    await linus.page.waitForURL(/topic=Songbirds/);
    await expect.poll(() => linus.questions.count()).toBe(2);

    await linus.page.getByRole("button", { name: "Rename or merge “Songbirds”" }).click();
    await linus.page.getByRole("menuitem", { name: "Merge into another topic…" }).click();
    const merge = linus.page.getByRole("dialog", { name: /^Merge “Songbirds”/ });
    await merge.getByLabel("Merge into").selectOption("Fish");
    await merge.getByRole("button", { name: "Merge" }).click();
    await hidden(merge);
    await visible(linus.toast("Merged “Songbirds” into “Fish”"));
    await linus.page.waitForURL(/topic=Fish/);
    await expect.poll(() => linus.questions.count()).toBe(5);
    await linus.page.getByRole("combobox", { name: "Topic" }).click();
    expect(await linus.page.getByRole("option").allInnerTexts()).toEqual(["All topics", "Fish"]);
  });
});
