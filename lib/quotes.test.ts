/** Quote verification: the words must be in the section, in order; case, spacing and some punctuation may differ. */
import { describe, expect, it } from "vitest";
import { SOURCE_CONFIG } from "./constants/sources";
import { findQuote, questionSupport, quoteInContext } from "./quotes";

const SECTION = `## The Calvin cycle

The cycle begins when the enzyme Rubisco attaches a molecule of carbon dioxide to a five-carbon sugar called
ribulose bisphosphate, or RuBP. The resulting six-carbon compound is unstable and immediately splits into two
molecules of a three-carbon acid, 3-phosphoglycerate. Calvin received the “Nobel Prize” in Chemistry in 1961.`;

const found = (quote: string, section = SECTION) => {
  const match = findQuote(section, quote);
  return match && section.slice(match.start, match.end);
};

describe("findQuote", () => {
  it("finds a verbatim quote and returns its offsets in the section", () => {
    const quote = "The resulting six-carbon compound is unstable";
    const match = findQuote(SECTION, quote)!;
    expect(match.start).toBe(SECTION.indexOf("The resulting"));
    expect(SECTION.slice(match.start, match.end)).toBe(quote);
  });

  it("ignores case and the amount of whitespace, including line breaks", () => {
    expect(found("called   RIBULOSE bisphosphate, or RuBP")).toBe("called\nribulose bisphosphate, or RuBP");
  });

  it("tolerates curly or straight quotes, dashes and dropped commas", () => {
    expect(found('received the "Nobel Prize" in Chemistry in 1961')).toBe(
      "received the “Nobel Prize” in Chemistry in 1961",
    );
    expect(found("a five–carbon sugar called ribulose bisphosphate or RuBP")).toBe(
      "a five-carbon sugar called\nribulose bisphosphate, or RuBP",
    );
    expect(found("“The cycle begins when the enzyme Rubisco”")).toBe("The cycle begins when the enzyme Rubisco");
  });

  it("lets an ellipsis stand for words left out, in order and within reach", () => {
    expect(found("The cycle begins when the enzyme Rubisco … splits into two molecules")).toBe(
      SECTION.slice(SECTION.indexOf("The cycle begins"), SECTION.indexOf(" of a three")),
    );
    expect(found("The cycle begins [...] or RuBP")).not.toBeNull();
    expect(found("...immediately splits into two molecules...")).toBe("immediately splits into two\nmolecules");
    // Parts out of order are not a quote.
    expect(found("splits into two molecules … The cycle begins when")).toBeNull();
    // Too much left out is not a quote either.
    const far = `Start of the long passage here. ${"Filler words go on. ".repeat(40)}End of the long passage.`;
    expect(findQuote(far, "Start of the long passage … End of the long passage")).toBeNull();
  });

  it("refuses changed words, numbers and word fragments", () => {
    expect(found("The resulting six-carbon compound is stable")).toBeNull();
    expect(found("Calvin received the Nobel Prize in Chemistry in 1916")).toBeNull();
    expect(found("he resulting six-carbon compound is unstable")).toBeNull();
    expect(found("3.5-phosphoglycerate and a three-carbon acid")).toBeNull();
  });

  it("refuses quotes too short to support anything, or too long to be a quote", () => {
    expect(found("the enzyme Rubisco")).toBeNull(); // 16 letters
    expect(found("begins when the enzyme Rubisco")).not.toBeNull();
    const long = "word ".repeat(SOURCE_CONFIG.MAX_QUOTE_CHARS / 4);
    expect(findQuote(long.repeat(2), long)).toBeNull();
    expect(findQuote(SECTION, "")).toBeNull();
    expect(findQuote(SECTION, "… — …")).toBeNull();
  });

  it("joins words a PDF hyphenated at a line end, and ignores soft hyphens", () => {
    const pdf = "Plants make sugar by photo-\nsynthesis in their leaves, using light.";
    expect(found("sugar by photosynthesis in their leaves", pdf)).toBe("sugar by photo-\nsynthesis in their leaves");
    expect(found("make sugar by photo\u00ADsynthesis in", "Plants make sugar by photosynthesis in leaves")).toBe(
      "make sugar by photosynthesis in",
    );
  });

  it("matches compatibility forms (ligatures, full-width letters) and accents as written", () => {
    expect(found("the ﬁrst stable sugar that leaves", "Note that the first stable sugar that leaves the cycle")).toBe(
      "the first stable sugar that leaves",
    );
    expect(found("Le café est une boisson chaude", "« Le café est une boisson chaude », dit-il.")).toBe(
      "Le café est une boisson chaude",
    );
    expect(found("Le cafe est une boisson chaude", "« Le café est une boisson chaude », dit-il.")).toBeNull();
  });
});

describe("quoteInContext", () => {
  it("shows the quote with context cut at word boundaries", () => {
    const section = "One two three four five six seven eight nine ten eleven twelve";
    const match = findQuote(section, "five six seven eight nine ten")!;
    const shown = quoteInContext(section, match, 10);
    expect(shown).toEqual({
      before: "four ",
      quote: "five six seven eight nine ten",
      after: " eleven",
      cutBefore: true,
      cutAfter: true,
    });
    expect(quoteInContext(section, match, 1000)).toMatchObject({ before: "One two three four ", cutBefore: false });
  });
});

describe("questionSupport", () => {
  it("keeps a quote found in the section, as the section has it, with its context", () => {
    const support = questionSupport(
      { quote: "the enzyme RUBISCO attaches a molecule", generalKnowledge: false },
      SECTION,
    );
    expect(support).toEqual({
      quote: expect.objectContaining({ text: "the enzyme Rubisco attaches a molecule", cutBefore: false }) as unknown,
    });
    const { quote } = support as { quote: { before: string; text: string; after: string } };
    expect(SECTION).toContain(`${quote.before}${quote.text}${quote.after}`);
  });

  it("a quote not in the section: general knowledge only if labelled so, otherwise nothing", () => {
    const missing = "Photosynthesis happens mostly at night in most plants.";
    expect(questionSupport({ quote: missing, generalKnowledge: true }, SECTION)).toEqual({ generalKnowledge: true });
    expect(questionSupport({ quote: "", generalKnowledge: true }, SECTION)).toEqual({ generalKnowledge: true });
    expect(questionSupport({ quote: missing, generalKnowledge: false }, SECTION)).toBeNull();
    expect(questionSupport({}, SECTION)).toBeNull();
  });
});
