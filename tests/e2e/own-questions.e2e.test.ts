/**
 * Questions a learner can trust and own, in Chromium: edit, delete + undo,
 * suspend, bulk actions, flag in review, shuffled options, the rating row
 * above the fold, the end-of-session summary, topic review and practice; the
 * quality check in a job (rewritten, skipped and marked questions on the card,
 * the job page and My Questions) and in the edit dialog.
 * Same harness as `journey.e2e.test.ts`; each test signs in as its own user.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { browserSuite } from "./suite";
import { App, hidden, visible } from "./pages";

const suite = browserSuite();
const signIn = suite.signIn;

/** Generates `count` questions on `topic` and waits until the job is done. */
async function generated(user: App, topic: string, count = 5): Promise<void> {
  await user.generate(`${topic} [[count:${count}]] [[pace:10]]`);
  await user.expectRunning(0, 30_000);
}

describe("owning questions", () => {
  test("edit a question: a bad edit is refused in the dialog with the edit kept; a good one is saved", async () => {
    const ada = await signIn("Ada");
    await generated(ada, "Editable topic");
    await ada.gotoMyQuestions();
    const card = ada.questionCard("Editable topic question 1");
    await card.getByRole("button", { name: "Edit" }).click();
    const dialog = ada.page.getByRole("dialog", { name: "Edit question" });
    await visible(dialog);

    await dialog.getByLabel("Question", { exact: true }).fill("   ");
    await dialog.getByRole("button", { name: "Save" }).click();
    await visible(dialog.getByRole("alert").getByText("The question can't be empty."));

    await dialog.getByLabel("Question", { exact: true }).fill("Which option did I pick as right?");
    await dialog.getByLabel("Option 2", { exact: true }).fill("My own option");
    await dialog.getByLabel("Option 2 is the right answer").check();
    await dialog.getByRole("button", { name: "Save" }).click();
    await hidden(dialog);
    await visible(ada.toast("Question saved"));
    const edited = ada.questionCard("Which option did I pick as right?");
    await edited.getByText("Show answer").click();
    await visible(edited.getByText("My own option").last());
    expect(await ada.questions.count()).toBe(5);
  });

  test("the quality check in a job: a flawed question rewritten, one skipped, one marked; the card, the job page and My Questions say so", async () => {
    const grace = await signIn("Grace");
    await grace.generate("Checked topic [[count:5]] [[pace:10]] [[flaw:3]] [[flaw-again:5]] [[advice:4]]");
    await grace.expectRunning(0, 30_000);
    await grace.openPanel();
    const card = grace.card("Checked topic");
    await visible(card.getByText("4 questions ready · 1 rewritten · 1 skipped"));

    await card.getByRole("link", { name: "Details" }).click();
    const report = grace.page.getByRole("region", { name: "Quality check" });
    await visible(report);
    const notes = report.getByRole("list", { name: "Rewritten and skipped questions" }).locator(":scope > li");
    const elimination = '"All of the above" can be answered by elimination, without knowing the fact.';
    await visible(notes.filter({ hasText: "Checked topic question 3" }).getByText("Rewritten", { exact: true }));
    await visible(notes.filter({ hasText: "Checked topic question 3" }).getByText(elimination));
    await visible(report.getByText("Rewritten as: Checked topic question 3, rewritten"));
    await visible(notes.filter({ hasText: "Checked topic question 5" }).getByText("Skipped", { exact: true }));
    await visible(grace.questionCard("Checked topic question 3, rewritten"));

    await grace.gotoMyQuestions();
    await expect.poll(() => grace.questions.count()).toBe(4);
    const marked = grace.questionCard("Generally, Checked topic question 4");
    await visible(marked.getByText("Needs a look"));
    await visible(marked.getByText('"generally" makes the question vague: it has no clear right or wrong answer.'));
    await hidden(grace.questionCard("Checked topic question 1").getByText("Needs a look"));
    // My Questions' "Needs a look" view holds the marked question only.
    await grace.page.getByRole("combobox", { name: "Show" }).click();
    await grace.page.getByRole("option", { name: "Needs a look" }).click();
    await grace.page.waitForURL(/show=needs-look/);
    await expect.poll(() => grace.questions.count()).toBe(1);
    await visible(marked);
    // Looked at, and kept as it is: the mark goes, and so does the question from the view.
    await marked.getByRole("button", { name: "Keep as it is" }).click();
    await visible(grace.toast("Kept as it is"));
    await expect.poll(() => grace.questions.count()).toBe(0);
    await visible(grace.page.getByText("No question needs a look."));
    await grace.gotoMyQuestions();
    await hidden(grace.questionCard("Generally, Checked topic question 4").getByText("Needs a look"));
  });

  test("an edit goes through the quality check: a severe flaw is explained and refused, a mild one is advice; a duplicate is refused by the server", async () => {
    const hopper = await signIn("Hopper");
    await generated(hopper, "Edit check topic", 5);
    await hopper.gotoMyQuestions();
    await hopper.questionCard("Edit check topic question 1").getByRole("button", { name: "Edit" }).click();
    const dialog = hopper.page.getByRole("dialog", { name: "Edit question" });
    const save = dialog.getByRole("button", { name: "Save" });
    await visible(dialog);

    await dialog.getByLabel("Option 4", { exact: true }).fill("All of the above");
    await visible(dialog.getByText("This question can't be saved yet:"));
    await visible(dialog.getByText('"All of the above" can be answered by elimination, without knowing the fact.'));
    await save.click();
    await visible(dialog);
    await dialog.getByLabel("Option 4", { exact: true }).fill("Option D");
    await hidden(dialog.getByText("This question can't be saved yet:"));

    await dialog.getByLabel("Question", { exact: true }).fill("Which option is usually the right one?");
    await visible(dialog.getByText("Worth a look (you can still save):"));
    await save.click();
    await hidden(dialog);
    await visible(hopper.toast("Question saved"));
    await visible(hopper.questionCard("Which option is usually the right one?").getByText("Needs a look"));

    // What only the server knows: the learner's other questions.
    await hopper.questionCard("Edit check topic question 2").getByRole("button", { name: "Edit" }).click();
    await visible(dialog);
    await dialog.getByLabel("Question", { exact: true }).fill("EDIT CHECK TOPIC question 4!");
    await save.click();
    await visible(
      dialog.getByRole("alert").getByText('You already have a question that asks this: "Edit check topic question 4"'),
    );
    await expect(dialog.getByLabel("Question", { exact: true }).inputValue()).resolves.toBe(
      "EDIT CHECK TOPIC question 4!",
    );
  });

  test("an edit is never changed silently: case twins refused, a removed answer must be chosen again, line breaks kept", async () => {
    const barbara = await signIn("Barbara");
    await generated(barbara, "Careful topic", 5);
    await barbara.gotoMyQuestions();
    await barbara.questionCard("Careful topic question 1").getByRole("button", { name: "Edit" }).click();
    const dialog = barbara.page.getByRole("dialog", { name: "Edit question" });
    await visible(dialog);
    const save = dialog.getByRole("button", { name: "Save" });
    const option = (n: number) => dialog.getByLabel(`Option ${n}`, { exact: true });

    // Case twins: the quality check in the dialog says so as they are typed, and Save saves nothing (the server
    // refuses them too, `convex/manageQuestions.test.ts`).
    const first = await option(1).inputValue();
    await option(2).fill(first.toUpperCase());
    await visible(dialog.getByText(`"${first}" and "${first.toUpperCase()}" are the same option written two ways.`));
    await save.click();
    await visible(dialog);
    await option(2).fill("A different option");

    await dialog.getByLabel("Question", { exact: true }).fill("\u200B\u200D\u2060");
    await save.click();
    await visible(
      dialog.getByRole("alert").getByText("The question has only invisible characters (like zero-width spaces)."),
    );
    await dialog.getByLabel("Question", { exact: true }).fill("Careful: line one\nline two");

    const answer = dialog.locator("input[type=radio]:checked");
    const right = Number((await answer.getAttribute("aria-label"))!.match(/Option (\d+)/)![1]);
    await dialog.getByRole("button", { name: `Remove option ${right}` }).click();
    expect(await answer.count()).toBe(0);
    await visible(dialog.getByText("No option is marked as the right answer. Choose one."));
    await save.click();
    await visible(dialog.getByRole("alert").getByText("Choose which option is the right answer before saving."));
    await dialog.getByLabel("Option 1 is the right answer").check();
    await save.click();
    await hidden(dialog);

    const edited = barbara.questionCard(/^Careful: line one/);
    expect(await edited.getByRole("heading", { level: 3 }).innerText()).toBe("Careful: line one\nline two");
    expect(await edited.getByRole("listitem").count()).toBe(3);
  });

  test("delete one with Undo, suspend one (no longer due), and delete a selection", async () => {
    const grace = await signIn("Grace");
    await generated(grace, "Deletable topic");
    await grace.gotoMyQuestions();
    await expect.poll(() => grace.questions.count()).toBe(5);

    await grace.questionCard("Deletable topic question 2").getByRole("button", { name: "Delete" }).click();
    await visible(grace.toast("Deleted 1 question"));
    await expect.poll(() => grace.questions.count()).toBe(4);
    await grace.toast("Deleted 1 question").getByRole("button", { name: "Undo" }).click();
    await visible(grace.toast("Restored"));
    await expect.poll(() => grace.questions.count()).toBe(5);

    const suspended = grace.questionCard("Deletable topic question 3");
    await suspended.getByRole("button", { name: "Suspend" }).click();
    await visible(suspended.getByText("Suspended", { exact: true }));
    await grace.gotoReview();
    await visible(grace.page.getByText("4 due"));

    await grace.gotoMyQuestions();
    await grace.page.getByRole("checkbox", { name: "Select “Deletable topic question 4”" }).check();
    await grace.page.getByRole("checkbox", { name: "Select “Deletable topic question 5”" }).check();
    const bar = grace.page.getByRole("group", { name: "Selected questions" });
    await visible(bar.getByText("2 selected"));
    await bar.getByRole("button", { name: "Delete" }).click();
    await grace.page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
    await visible(grace.toast("Deleted 2 questions"));
    await expect.poll(() => grace.questions.count()).toBe(3);
  });

  test("a job's questions from its page: suspend all, then review only that job", async () => {
    const alan = await signIn("Alan");
    await generated(alan, "Job topic one");
    // Numbered on: the same numbers under another topic's name would ask what the first job's ask (duplicates).
    await generated(alan, "Job topic two [[from:5]]");
    await alan.openPanel();
    const jobId = await alan.jobIdOf(alan.card("Job topic one"));
    await alan.closePanel();
    await alan.page.goto(`/jobs/${jobId}`);
    const bar = alan.page.getByRole("group", { name: "All questions in this view" });
    await visible(bar);
    expect(await alan.page.getByRole("main").innerText()).not.toContain("//"); // no source comment shows as text
    await bar.getByRole("button", { name: "Suspend all", exact: true }).click();
    await visible(alan.toast("Suspended 5 questions"));
    await alan.gotoReview();
    await visible(alan.page.getByText("5 due"));
    await alan.gotoReviewOf(`?job=${jobId}`);
    await visible(alan.page.getByRole("heading", { name: "All caught up" }));
  });
});

describe("review", () => {
  test("topic review: only that topic's questions, options shuffled at each showing with digits in shown order, rating row on screen, summary, practice", async () => {
    const edsger = await signIn("Edsger");
    await generated(edsger, "Shuffled topic", 5);
    await generated(edsger, "Other topic", 5);
    await edsger.gotoMyQuestions("?topic=Shuffled%20topic");
    await edsger.page.getByRole("link", { name: "Review these" }).click();
    await edsger.page.waitForURL(/\/\?topic=Shuffled/);
    await visible(edsger.page.getByText("5 due"));
    await visible(edsger.page.getByRole("heading", { name: "Shuffled topic question 1", level: 2 }));

    // The first question is stored as Option A..D with "Option A" right; its shown order changes between showings.
    const orders = new Set<string>();
    for (let i = 0; i < 12 && orders.size < 2; i++) {
      await edsger.page.reload();
      await visible(edsger.answers);
      orders.add((await edsger.shownOptions()).join("|"));
    }
    expect(orders.size).toBeGreaterThan(1);

    // The digit answers the option shown at that position; at 1280×800 the rating row is on screen.
    await edsger.page.setViewportSize({ width: 1280, height: 800 });
    const shown = await edsger.shownOptions();
    await edsger.page.keyboard.press("3");
    await visible(edsger.ratings);
    const right = shown[2] === "Option A";
    await visible(edsger.page.getByText(right ? "Correct." : "Not quite."));
    const box = await edsger.ratings.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(800);

    // Rate all five: then the summary.
    for (let i = 0; i < 5; i++) {
      if (i > 0) {
        await visible(edsger.page.getByText(`${5 - i} due`));
        await edsger.answers.first().click();
      }
      await edsger.ratings.getByRole("button", { name: /^Easy/ }).click();
    }
    await visible(edsger.page.getByRole("heading", { name: "Session done" }));
    const summary = edsger.page.getByRole("region", { name: "Session done" });
    expect(await summary.getByRole("definition").first().innerText()).toBe("5");

    // Other topic is still due; this topic offers practice, which changes nothing until rated.
    await summary.getByRole("button", { name: "Practice anyway" }).click();
    await visible(edsger.page.getByRole("heading", { name: /^Practice/, level: 1 }));
    await edsger.answers.first().click();
    await edsger.page.getByRole("button", { name: "Next without rating" }).click();
    await visible(edsger.answers);
    await edsger.gotoReview();
    await visible(edsger.page.getByText("5 due"));
  });

  test("flag a question as wrong while reviewing: it is suspended and My Questions shows the flag and reason", async () => {
    const barbara = await signIn("Barbara");
    await generated(barbara, "Flaggable topic");
    await barbara.gotoReview();
    await visible(barbara.page.getByText("5 due"));
    await barbara.page.getByRole("button", { name: "This question is wrong" }).click();
    const dialog = barbara.page.getByRole("dialog", { name: "Flag this question as wrong" });
    await dialog.getByLabel("What is wrong? (optional)").fill("Two options are right");
    await dialog.getByRole("button", { name: "Flag and suspend" }).click();
    await visible(barbara.toast("Flagged as wrong"));
    await visible(barbara.page.getByText("4 due"));
    await barbara.gotoMyQuestions();
    const flagged = barbara.questionCard("Flaggable topic question 1");
    await visible(flagged.getByText("Flagged as wrong"));
    await visible(flagged.getByText("Two options are right"));
  });

  test("on a phone (390×844) the rating row is on screen after answering", async () => {
    const linus = await signIn("Linus", { viewport: { width: 390, height: 844 } });
    await generated(linus, "Phone topic");
    await linus.gotoReview();
    await linus.answers.first().click();
    await visible(linus.ratings);
    const box = await linus.ratings.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
  });
});

/** RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe("export", () => {
  test("the current view as CSV and as Anki's tab-separated text: both files downloaded and parsed", async () => {
    const katherine = await signIn("Katherine");
    await generated(katherine, "Exportable topic", 5);
    await generated(katherine, "Not exported", 5);
    await katherine.gotoMyQuestions("?topic=Exportable%20topic");
    await expect.poll(() => katherine.questions.count()).toBe(5);

    const download = async (item: string) => {
      await katherine.page.getByRole("button", { name: "Export", exact: true }).click();
      const [file] = await Promise.all([
        katherine.page.waitForEvent("download"),
        katherine.page.getByRole("menuitem", { name: item }).click(),
      ]);
      // Closed (its fade-out over) before the next export: a press on Export while it fades dismisses the new menu.
      await hidden(katherine.page.getByRole("menu"));
      return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
    };

    const csv = await download("CSV (spreadsheet)");
    expect(csv.name).toMatch(/^questions-exportable-topic-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, ""));
    expect(rows[0]!.slice(0, 4)).toEqual(["question", "type", "options", "correct_answer"]);
    const body = rows.slice(1);
    expect(body).toHaveLength(5);
    expect(body.map((r) => r[0]).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `Exportable topic question ${n}`));
    expect(new Set(body.map((r) => r[6]))).toEqual(new Set(["Exportable topic"]));
    for (const r of body) expect(r[2]!.split(" | ")).toContain(r[3]);
    await visible(katherine.toast("Exported 5 questions"));

    const anki = await download("Anki (tab-separated text)");
    expect(anki.name).toMatch(/\.txt$/);
    const lines = anki.text.trimEnd().split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "#separator:tab",
      "#html:true",
      "#notetype:Basic",
      "#deck:Recall::Exportable topic",
      "#columns:Front\tBack\tTags",
      "#tags column:3",
    ]);
    const notes = lines.slice(6).map((line) => line.split("\t"));
    expect(notes).toHaveLength(5);
    for (const [front, back, tags] of notes) {
      expect(front).toMatch(/^Exportable topic question \d<br><br>A\. /);
      expect(back!.length).toBeGreaterThan(0);
      expect(tags).toBe("Exportable_topic");
    }
  });
});
