/** Search text: stored and searched the same way, every word must match, the last one as typed so far. */
import { describe, expect, it } from "vitest";
import { matchesSearchTerms, questionSearchText, searchTerms, searchableText } from "./questionSearch";

describe("search text", () => {
  it("is lower case, with punctuation and symbols as spaces (both engines then see the same words)", () => {
    expect(searchableText("  Who wrote “Le Petit Prince”?  (1943) — Saint-Exupéry!  ")).toBe(
      "who wrote le petit prince 1943 saint exupéry",
    );
    expect(searchableText("ＦＵＬＬ width")).toBe("full width");
  });

  it("of a question: its text, options and explanation", () => {
    expect(
      questionSearchText({ question: "Capital of France?", options: ["Paris", "Lyon"], explanation: "Since 987." }),
    ).toBe("capital of france paris lyon since 987");
  });

  it("every term must start a word; at most 16 terms", () => {
    const text = questionSearchText({ question: "The French Revolution", options: ["1789"], explanation: "" });
    expect(matchesSearchTerms(text, searchTerms("revolution fren"))).toBe(true);
    expect(matchesSearchTerms(text, searchTerms("revolution german"))).toBe(false);
    expect(matchesSearchTerms(text, searchTerms("evolution"))).toBe(false);
    expect(searchTerms("a b c d e f g h i j k l m n o p q r")).toHaveLength(16);
    expect(searchTerms("  ?! ")).toEqual([]);
  });
});
