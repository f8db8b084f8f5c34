/** Export files: CSV quoting (and no formulas), Anki's tab-separated format with its headers. */
import { describe, expect, it } from "vitest";
import { newCard } from "./fsrs";
import { ankiTag, exportFileName, toAnkiTsv, toCsv } from "./export";
import type { QuestionDoc } from "./validators";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

const question = (overrides: Partial<QuestionDoc> = {}): QuestionDoc =>
  ({
    _id: "q1",
    _creationTime: NOW,
    userId: "u",
    question: 'Which is "right", A or B?',
    type: "multiple-choice",
    options: ["A, of course", "=B"],
    correctAnswer: "A, of course",
    explanation: "Line one\nline two\twith a tab <b>",
    difficulty: "easy",
    topic: "NATO alphabet",
    createdAt: NOW,
    card: newCard(NOW),
    ...overrides,
  }) as QuestionDoc;

describe("toCsv", () => {
  it("quotes commas, quotes and line breaks, defuses formulas, one row per question", () => {
    const csv = toCsv([question(), question({ suspended: true, flag: { reason: "typo", flaggedAt: NOW } })]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "question,type,options,correct_answer,explanation,difficulty,topic,created,due,suspended,flagged,flag_reason",
    );
    expect(lines[1]).toBe(
      `"Which is ""right"", A or B?",multiple-choice,"A, of course | =B","A, of course","Line one\nline two\twith a tab <b>",easy,NATO alphabet,2026-11-23T12:00:00.000Z,2026-11-23T12:00:00.000Z,no,no,`,
    );
    expect(csv).toContain(",yes,yes,typo\r\n");
    expect(toCsv([question({ question: "=cmd()" })])).toContain("\r\n'=cmd(),");
  });
});

describe("toAnkiTsv", () => {
  it("Anki's headers, then front (question and options), back (answer and explanation) and the topic as a tag", () => {
    const lines = toAnkiTsv([question()], "NATO alphabet").trimEnd().split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "#separator:tab",
      "#html:true",
      "#notetype:Basic",
      "#deck:Recall::NATO alphabet",
      "#columns:Front\tBack\tTags",
      "#tags column:3",
    ]);
    const fields = lines[6]!.split("\t");
    expect(fields).toEqual([
      "Which is &quot;right&quot;, A or B?<br><br>A. A, of course<br>B. =B",
      "A, of course<br><br>Line one<br>line two with a tab &lt;b&gt;",
      "NATO_alphabet",
    ]);
    expect(lines).toHaveLength(7);
    expect(toAnkiTsv([])).toContain("#deck:Recall\n");
  });

  it("tags are one word", () => {
    expect(ankiTag("  React  hooks ")).toBe("React_hooks");
    expect(ankiTag("")).toBe("untagged");
  });
});

describe("exportFileName", () => {
  it("names the view and the day", () => {
    expect(exportFileName("csv", "NATO alphabet", new Date(NOW))).toBe("questions-nato-alphabet-2026-11-23.csv");
    expect(exportFileName("anki", undefined, new Date(NOW))).toBe("questions-all-2026-11-23.txt");
  });
});
