/** Import files: this app's CSV and Anki exports read back, a simple CSV layout, Anki's text export with its
 * headers, front/back cards, bad rows with their lines, and the limits of one import. */
import { describe, expect, it } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import { toAnkiTsv, toCsv } from "./export";
import { newCard } from "./fsrs";
import { parseImportFile, type ParsedImport } from "./importFile";
import type { QuestionDoc } from "./validators";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

const stored = (overrides: Partial<QuestionDoc> = {}): QuestionDoc =>
  ({
    _id: "q1",
    _creationTime: NOW,
    userId: "u",
    question: 'Which is "right", A or B?',
    type: "multiple-choice",
    options: ["A, of course", "=B", "C <tag> & co"],
    correctAnswer: "A, of course",
    explanation: "Line one\nline two",
    difficulty: "hard",
    topic: "NATO alphabet",
    createdAt: NOW,
    card: newCard(NOW),
    ...overrides,
  }) as QuestionDoc;

function parsed(text: string, fileName = "file.csv"): ParsedImport {
  const result = parseImportFile(text, fileName);
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("this app's own exports, read back", () => {
  it("CSV (with its byte-order mark, CRLF, quoted fields and defused formulas): every field as it was", () => {
    const questions = [
      stored(),
      stored({
        question: "The sky is green.",
        type: "true-false",
        options: ["True", "False"],
        correctAnswer: "False",
        explanation: "",
        difficulty: "easy",
        topic: "Colours",
      }),
    ];
    const result = parsed(`\uFEFF${toCsv(questions)}`, "questions-all-2026-11-23.csv");
    expect(result.format).toBe("csv");
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual([
      {
        line: 2,
        topic: "NATO alphabet",
        question: {
          question: 'Which is "right", A or B?',
          type: "multiple-choice",
          options: ["A, of course", "=B", "C <tag> & co"],
          correctAnswer: "A, of course",
          explanation: "Line one\nline two",
          difficulty: "hard",
        },
      },
      {
        line: 4,
        topic: "Colours",
        question: {
          question: "The sky is green.",
          type: "true-false",
          options: ["True", "False"],
          correctAnswer: "False",
          explanation: "",
          difficulty: "easy",
        },
      },
    ]);
    expect(result.suggestedTopic).toBe("All");
  });

  it("Anki text (headers, HTML, options as lettered lines, answer then explanation): the same question", () => {
    const text = toAnkiTsv([stored()], "NATO alphabet");
    const result = parsed(text, "questions-nato-alphabet-2026-11-23.txt");
    expect(result.format).toBe("anki");
    expect(result.suggestedTopic).toBe("NATO alphabet");
    expect(result.problems).toEqual([]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]!.question).toEqual({
      question: 'Which is "right", A or B?',
      type: "multiple-choice",
      options: ["A, of course", "=B", "C <tag> & co"],
      correctAnswer: "A, of course",
      explanation: "Line one\nline two",
      difficulty: "medium",
    });
    expect(result.rows[0]!.line).toBe(text.split("\n").findIndex((line) => !line.startsWith("#")) + 1);
  });
});

describe("CSV", () => {
  it("a simple layout with a header row: options by |, the answer by text or letter, any column order", () => {
    const text = [
      "Answer,Question,Options,Explanation,Topic",
      "Paris,Capital of France?,Paris | Lyon | Nice,It is.,Geography",
      "b,Capital of Spain?,Lisbon|Madrid|Rome,,",
      "",
      "True,Water boils at 100 °C at sea level.,,,",
    ].join("\n");
    const { rows, problems } = parsed(text);
    expect(problems).toEqual([]);
    expect(
      rows.map((r) => [r.line, r.question.question, r.question.options, r.question.correctAnswer, r.topic]),
    ).toEqual([
      [2, "Capital of France?", ["Paris", "Lyon", "Nice"], "Paris", "Geography"],
      [3, "Capital of Spain?", ["Lisbon", "Madrid", "Rome"], "Madrid", undefined],
      [5, "Water boils at 100 °C at sea level.", ["True", "False"], "True", undefined],
    ]);
    expect(rows[2]!.question.type).toBe("true-false");
  });

  it("no header row: question, options, answer, explanation by position; semicolons too", () => {
    const { rows } = parsed('"2 + 2?";3|4|5;4;"Four, really"\n');
    expect(rows[0]!.question).toMatchObject({ question: "2 + 2?", options: ["3", "4", "5"], correctAnswer: "4" });
    expect(rows[0]!.question.explanation).toBe("Four, really");
  });

  it("lists rows it can't read with their line, and reads the rest", () => {
    const text = "question,options,answer\n,a|b,a\nGood?,yes|no,yes\nNo answer?,a|b,\n";
    const { rows, problems } = parsed(text);
    expect(rows.map((r) => r.line)).toEqual([3]);
    expect(problems).toEqual([
      { line: 2, problem: "No question on this line." },
      { line: 4, problem: "No answer on this line." },
    ]);
  });

  it("a quoted field that never ends is a problem at its line", () => {
    const { rows, problems } = parsed('question,options,answer\nOk?,a|b,a\n"Broken?,a|b,a\n');
    expect(rows).toHaveLength(1);
    expect(problems).toEqual([{ line: 3, problem: "A quoted field starts on this line and never ends." }]);
  });
});

describe("Anki's text export", () => {
  const anki = (lines: string[]) => lines.join("\n") + "\n";

  it("reads #separator, #html, #deck, #notetype, #columns and the meta columns; front/back cards get other answers as options", () => {
    const text = anki([
      "#separator:tab",
      "#html:true",
      "#guid column:1",
      "#notetype column:2",
      "#deck column:3",
      "#tags column:6",
      "abc\tBasic\tLanguages::Spanish\tto eat\tcomer\tverbs",
      "def\tBasic\tLanguages::Spanish\tto drink\tbeber<br><br>Regular -er verb.\tverbs",
      'ghi\tBasic\tLanguages::Spanish\t"to ""live"""\tvivir\tverbs',
      "jkl\tBasic\tLanguages::Spanish\tto be (state)\testar\t",
    ]);
    const result = parsed(text, "deck.txt");
    expect(result.problems).toEqual([]);
    expect(result.optionsFromOtherCards).toBe(4);
    expect(result.rows.map((r) => [r.line, r.question.question, r.question.correctAnswer, r.topic])).toEqual([
      [7, "to eat", "comer", "Spanish"],
      [8, "to drink", "beber", "Spanish"],
      [9, 'to "live"', "vivir", "Spanish"],
      [10, "to be (state)", "estar", "Spanish"],
    ]);
    for (const { question } of result.rows) {
      expect(question.options).toHaveLength(4);
      expect(question.options).toContain(question.correctAnswer);
      expect(new Set(question.options).size).toBe(4);
    }
    expect(result.rows[1]!.question.explanation).toBe("Regular -er verb.");
    // The same file, the same options: the preview and the import agree.
    expect(parsed(text, "deck.txt").rows).toEqual(result.rows);
  });

  it("#deck names the topic; #columns names the fields; #html:false keeps text as it is", () => {
    const text = anki([
      "#separator:Comma",
      "#html:false",
      "#deck:Recall::Chemistry",
      "#notetype:Basic",
      "#columns:Front,Back,Back Extra",
      "H2O is?,water,<b>not</b> bold",
      "NaCl is?,salt,",
    ]);
    const result = parsed(text);
    expect(result.suggestedTopic).toBe("Chemistry");
    expect(result.rows[0]!.question).toMatchObject({ question: "H2O is?", explanation: "<b>not</b> bold" });
    expect(result.rows[0]!.question.options.sort()).toEqual(["salt", "water"]);
  });

  it("refuses cloze cards, and a lone card with nothing to offer as a wrong option, each at its line", () => {
    const text = anki(["#separator:tab", "#notetype:Cloze", "{{c1::Paris}} is the capital.\t"]);
    expect(parsed(text).problems).toEqual([
      { line: 3, problem: "A cloze card can't be imported: questions here have options to choose from." },
    ]);
    const lone = anki(["#separator:tab", "Capital of France?\tParis"]);
    expect(parsed(lone).problems).toEqual([
      { line: 2, problem: "This card has no options, and the file has no other answers to offer as wrong ones." },
    ]);
  });

  it("decodes HTML: line breaks, entities, no tags or sounds", () => {
    const text = anki(["#separator:tab", "#html:true", "Caf&eacute; &amp; <i>cr&#232;me</i>[sound:a.mp3]?\tTrue"]);
    expect(parsed(text).rows[0]!.question).toMatchObject({
      question: "Caf&eacute; & crème?",
      type: "true-false",
      options: ["True", "False"],
    });
  });
});

describe("limits of one import", () => {
  it("more than MAX_IMPORT_QUESTIONS questions: refused whole, saying how to split", () => {
    const lines = ["question,options,answer"];
    for (let i = 0; i <= JOB_CONFIG.MAX_IMPORT_QUESTIONS; i++) lines.push(`Q${i}?,a|b,a`);
    expect(parseImportFile(lines.join("\n"), "big.csv")).toEqual({
      error:
        "This file has 1,001 questions; one import holds at most 1,000. Split it into smaller files and import each.",
    });
  });

  it("more than MAX_IMPORT_TEXT_BYTES of text: refused whole", () => {
    const long = "é".repeat(1000);
    const lines = ["question,options,answer,explanation"];
    for (let i = 0; i < 900; i++) lines.push(`Q${i} ${long}?,a|b,a,${long}${long}`);
    expect(parseImportFile(lines.join("\n"), "big.csv")).toEqual({
      error: "This file holds more text than one import can (4 MB). Split it into smaller files and import each.",
    });
  });

  it("an empty file", () => {
    expect(parseImportFile("\uFEFF\r\n", "empty.csv")).toEqual({ error: "No questions found in this file." });
  });
});
