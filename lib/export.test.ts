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

/** Lines of headers before the first note of an Anki export. */
const ANKI_HEADER_LINES = 6;

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

describe("spreadsheet formulas", () => {
  const formulas = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.test")', "-", "+", "@"];
  const numbers = ["-40", "+1", "-3.5", "+2e3", "-12%", "-0,5"];
  const everywhere = (text: string) =>
    question({ question: text, options: [text, "other"], correctAnswer: text, explanation: text, topic: text });

  it("CSV: a cell that would start a formula starts with ', a signed number is left as it is", () => {
    for (const text of formulas) {
      const cells = parseCsvRow(toCsv([everywhere(text)]).split("\r\n")[1]!);
      for (const column of [0, 2, 3, 4, 6]) expect(cells[column]!.startsWith("'")).toBe(true);
      expect(cells[0]).toBe(`'${text}`);
    }
    for (const text of ["\tindented", "\rreturn"])
      expect(parseCsvRow(toCsv([everywhere(text)]).split("\r\n")[1]!)[0]).toBe(`'${text}`);
    for (const text of numbers) {
      const cells = parseCsvRow(toCsv([everywhere(text)]).split("\r\n")[1]!);
      expect(cells[0]).toBe(text);
      expect(cells[3]).toBe(text);
    }
  });

  it("Anki: no field starts a formula (the first character as an HTML reference), numbers and text unchanged", () => {
    for (const text of [...formulas, "\tindented", "\rreturn"]) {
      const fields = toAnkiTsv([everywhere(text)])
        .trimEnd()
        .split("\n")
        [ANKI_HEADER_LINES]!.split("\t");
      expect(fields).toHaveLength(3);
      for (const field of fields) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    }
    const [front, back, tag] = toAnkiTsv([everywhere("=1+1")])
      .trimEnd()
      .split("\n")
      [ANKI_HEADER_LINES]!.split("\t");
    expect(front).toBe("&#61;1+1<br><br>A. =1+1<br>B. other");
    expect(back).toBe("&#61;1+1<br><br>=1+1");
    expect(tag).toBe("'=1+1");
    for (const text of numbers) {
      // A number alone is left as it is; in a longer field Anki shows the reference as the character itself.
      const [, back, tag] = toAnkiTsv([{ ...everywhere(text), explanation: "" }])
        .trimEnd()
        .split("\n")
        [ANKI_HEADER_LINES]!.split("\t");
      expect([back, tag]).toEqual([text, text]);
      const [front] = toAnkiTsv([everywhere(text)])
        .trimEnd()
        .split("\n")
        [ANKI_HEADER_LINES]!.split("\t");
      expect(front!.replace(/^&#(\d+);/, (_, code: string) => String.fromCharCode(Number(code)))).toBe(
        `${text}<br><br>A. ${text}<br>B. other`,
      );
    }
  });
});

/** The cells of one CSV row (RFC 4180 quoting). */
function parseCsvRow(row: string): string[] {
  const cells: string[] = [];
  const pattern = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (const match of row.matchAll(pattern)) {
    const cell = match[1]!;
    cells.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    if (match[2] === "") break;
  }
  return cells;
}

describe("exportFileName", () => {
  it("names the view and the day", () => {
    expect(exportFileName("csv", "NATO alphabet", new Date(NOW))).toBe("questions-nato-alphabet-2026-11-23.csv");
    expect(exportFileName("anki", undefined, new Date(NOW))).toBe("questions-all-2026-11-23.txt");
  });
});
