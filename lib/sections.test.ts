/** Sectioning a source (headings, pages, size) and spreading a job's questions over the sections. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SOURCE_CONFIG, MAX_SECTIONS } from "./constants/sources";
import { isHeadingLike, sectionSource, sectionText, spreadQuestions, type SectionLimits } from "./sections";
import { normalizeSourceText, PAGE_BREAK } from "./sources";
import type { SectionPlace, SourceKind } from "./validators";

const SMALL: SectionLimits = { maxChars: 400, minChars: 60 };
const paragraph = (words: number, seed = "word") =>
  `${Array.from({ length: words }, (_, i) => `${seed}${i}`).join(" ")}.`;

/** The sections tile the text and keep to the limits. */
function expectWellFormed(text: string, sections: SectionPlace[], limits: SectionLimits) {
  expect(sections[0]!.start).toBe(0);
  expect(sections.at(-1)!.end).toBe(text.length);
  sections.forEach((section, i) => {
    if (i > 0) expect(section.start).toBe(sections[i - 1]!.end);
    expect(section.end - section.start).toBeLessThanOrEqual(limits.maxChars);
    if (text.length >= limits.minChars) expect(section.end - section.start).toBeGreaterThanOrEqual(limits.minChars);
  });
}

describe("sectionSource", () => {
  it("sections the Markdown fixture at its headings, within the default limits", () => {
    const text = normalizeSourceText(readFileSync("tests/fixtures/sources/photosynthesis.md", "utf8"), "markdown");
    const sections = sectionSource(text, "markdown");
    expectWellFormed(text, sections, {
      maxChars: SOURCE_CONFIG.MAX_SECTION_CHARS,
      minChars: SOURCE_CONFIG.MIN_SECTION_CHARS,
    });
    expect(sections.length).toBeGreaterThan(5);
    for (const section of sections) {
      // Every section starts at one of the chapter's headings, and is named by a heading of the chapter.
      expect(sectionText(text, section)).toMatch(/^#{1,3} /);
      expect(text).toContain(`# ${section.heading}\n`);
      expect(section.pageStart).toBeUndefined();
    }
    expect(sections[0]!.heading).toBe("Photosynthesis: How Plants Capture Light");
    // "## Where it happens" has no text of its own: it joins its first subsection, which names the section.
    expect(sections.map((s) => s.heading)).not.toContain("Where it happens: leaves and chloroplasts");
    expect(sections.map((s) => s.heading)).toContain("The leaf as a solar panel");
  });

  it("takes ATX and setext headings, not lines inside code fences", () => {
    const text = [
      "# First",
      paragraph(12, "a"),
      "```",
      "# not a heading",
      "```",
      "",
      "Second *part*",
      "------",
      paragraph(12, "b"),
      "",
      "## [Third](https://example.com) ##",
      paragraph(12, "c"),
    ].join("\n");
    const sections = sectionSource(text, "markdown", { maxChars: 400, minChars: 10 });
    expect(sections.map((s) => s.heading)).toEqual(["First", "Second part", "Third"]);
    expect(sectionText(text, sections[0]!)).toContain("# not a heading");
  });

  it("joins a small section to the next, and a small last one to the one before", () => {
    const text = `# A\n${paragraph(3, "a")}\n\n# B\n${paragraph(20, "b")}\n\n# C\n${paragraph(20, "c")}\n\n# D\nEnd.`;
    const sections = sectionSource(text, "markdown", SMALL);
    expectWellFormed(text, sections, SMALL);
    expect(sections.map((s) => s.heading)).toEqual(["A", "C"]);
    expect(sectionText(text, sections[0]!)).toContain("# B");
    expect(sectionText(text, sections[1]!)).toMatch(/# D\nEnd\.$/);
  });

  it("names text before the first heading, when it is small, after the heading it joins", () => {
    const text = `Lecture notes\n\n# Cells\n${paragraph(30, "c")}`;
    expect(sectionSource(text, "markdown", SMALL).map((s) => s.heading)).toEqual(["Cells"]);
  });

  it("cuts a long section into near-equal parts at paragraph breaks, each named by its heading", () => {
    const text = `# Long\n${Array.from({ length: 12 }, (_, i) => paragraph(10, `p${i}w`)).join("\n\n")}`;
    const sections = sectionSource(text, "markdown", SMALL);
    expectWellFormed(text, sections, SMALL);
    expect(sections.length).toBe(Math.ceil(text.length / SMALL.maxChars));
    for (const section of sections) {
      expect(section.heading).toBe("Long");
      expect(text.slice(section.end - 3, section.end)).toMatch(/\.\n\n$|\.$/); // ends at the end of a paragraph
    }
    const sizes = sections.map((s) => s.end - s.start);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(SMALL.maxChars / 2);
  });

  it("cuts a small section joined to a large one at the heading between them, so each part keeps its own name", () => {
    const text = `# Small\n${paragraph(3, "s")}\n\n# Large\n${paragraph(60, "l")}`;
    const sections = sectionSource(text, "markdown", SMALL);
    expectWellFormed(text, sections, SMALL);
    expect(sections[0]!.heading).toBe("Small");
    expect(sections.slice(1).every((s) => s.heading === "Large")).toBe(true);
  });

  it("cuts text without any break, without splitting a character in two", () => {
    const text = "🧬".repeat(1000);
    const sections = sectionSource(text, "text", SMALL);
    expectWellFormed(text, sections, SMALL);
    for (const section of sections) expect(sectionText(text, section)).toMatch(/^(🧬)+$/u);
  });

  it("gives a PDF's sections their pages, and finds its heading-like lines", () => {
    const pages = [
      `A Short History\n\nIntro text of page one that runs on for a while and ends here.`,
      `2\n\nThe Pendulum\n\n${paragraph(30, "pend")}`,
      `${paragraph(30, "more")}\n\n3`,
      `Quartz and Atoms\n\n${paragraph(20, "q")}`,
    ];
    const text = pages.join(PAGE_BREAK);
    const sections = sectionSource(text, "pdf", SMALL);
    expectWellFormed(text, sections, SMALL);
    expect(sections.map(({ heading, pageStart, pageEnd }) => ({ heading, pageStart, pageEnd }))).toEqual([
      { heading: "A Short History", pageStart: 1, pageEnd: 2 },
      // Too long for one section: cut at the page break.
      { heading: "The Pendulum", pageStart: 2, pageEnd: 2 },
      { heading: "The Pendulum", pageStart: 3, pageEnd: 3 },
      { heading: "Quartz and Atoms", pageStart: 4, pageEnd: 4 },
    ]);
  });

  it("tells heading-like lines from sentences, list items and page numbers", () => {
    for (const line of ["The Pendulum", "2.1 Railway Time and Time Zones", "WATER AND FIRE", "Why does it matter?"])
      expect(isHeadingLike(line), line).toBe(true);
    for (const line of [
      "the end of a sentence",
      "A sentence that ends.",
      "Note:",
      "- a list item",
      "• Bullet",
      "12",
      "Page 3 of 10",
      "x".repeat(SOURCE_CONFIG.MAX_HEADING_LENGTH + 1),
      "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
    ])
      expect(isHeadingLike(line), line).toBe(false);
  });

  it("uses Markdown headings in plain text, and heading-like lines only when they stand alone", () => {
    const text = `## Notes\n${paragraph(20, "n")}\n\nSummary\n\n${paragraph(20, "s")}\nNot A Heading\n${paragraph(5, "x")}`;
    const kinds: SourceKind[] = ["text", "markdown"];
    const [asText, asMarkdown] = kinds.map((kind) => sectionSource(text, kind, SMALL).map((s) => s.heading));
    expect(asText).toEqual(["Notes", "Summary"]);
    expect(asMarkdown).toEqual(["Notes"]);
  });

  it("keeps to the limits on any text, and a maximal source stays under MAX_SECTIONS", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pieces = ["# Heading\n", "Plain Heading\n\n", "word ", "sentence ends. ", "\n", "\n\n", PAGE_BREAK, "🧬"];
    for (let round = 0; round < 30; round++) {
      const text = Array.from(
        { length: 200 + Math.floor(random() * 600) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join("");
      for (const kind of ["markdown", "text", "pdf"] as const)
        expectWellFormed(text, sectionSource(text, kind, SMALL), SMALL);
    }
    const limits = { maxChars: SOURCE_CONFIG.MAX_SECTION_CHARS, minChars: SOURCE_CONFIG.MIN_SECTION_CHARS };
    for (const unit of ["# Tiny\nx\n\n", "# H\n"]) {
      const maximal = unit.repeat(Math.floor(SOURCE_CONFIG.MAX_SOURCE_CHARS / unit.length));
      const sections = sectionSource(maximal, "markdown");
      expectWellFormed(maximal, sections, limits);
      expect(sections.length).toBeLessThanOrEqual(MAX_SECTIONS);
    }
  });

  it("has one section for a short text, and none for no text", () => {
    expect(sectionSource("Just a line.", "text")).toEqual([{ start: 0, end: 12 }]);
    expect(sectionSource("", "text")).toEqual([]);
  });
});

describe("spreadQuestions", () => {
  it("gives each section its share of the total, by largest remainder", () => {
    expect(spreadQuestions(10, [1000, 1000, 2000])).toEqual([2, 3, 5]);
    expect(spreadQuestions(7, [5000, 3000, 2000])).toEqual([4, 2, 1]);
    expect(spreadQuestions(12, [1, 0, 1])).toEqual([6, 0, 6]);
  });

  it("keeps the total exactly, whatever the weights", () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 200; round++) {
      const weights = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 12_000));
      const total = Math.floor(random() * 51);
      const counts = spreadQuestions(total, weights);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      const sum = weights.reduce((a, b) => a + b, 0) || weights.length;
      // Largest remainder: each count is its share rounded down or up.
      counts.forEach((c, i) => {
        const share = (total * (sum === weights.length && weights.every((w) => w === 0) ? 1 : weights[i]!)) / sum;
        expect(Math.abs(c - share)).toBeLessThan(1);
      });
    }
  });

  it("with more sections than questions, picks the longest ones, spread evenly where they tie", () => {
    expect(spreadQuestions(2, [100, 5000, 200, 4000])).toEqual([0, 1, 0, 1]);
    expect(spreadQuestions(5, Array(12).fill(1000))).toEqual([0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0]);
    expect(spreadQuestions(1, Array(3).fill(1000))).toEqual([0, 1, 0]);
  });

  it("handles no questions, no sections, and all-empty sections", () => {
    expect(spreadQuestions(0, [10, 20])).toEqual([0, 0]);
    expect(spreadQuestions(5, [])).toEqual([]);
    expect(spreadQuestions(4, [0, 0])).toEqual([2, 2]);
    expect(() => spreadQuestions(-1, [1])).toThrow(RangeError);
    expect(() => spreadQuestions(2.5, [1])).toThrow(RangeError);
  });
});
