/** Topic names: request words and articles dropped, matched case-insensitively. */
import { describe, expect, it } from "vitest";
import { checkTopicName, normalizeTopic, topicKey } from "./topics";

describe("topics", () => {
  it("drops request words and a leading article, keeps the name's own capitals", () => {
    expect(normalizeTopic("40 questions on the NATO alphabet")).toBe("NATO alphabet");
    expect(normalizeTopic("The NATO alphabet")).toBe("NATO alphabet");
    expect(normalizeTopic("NATO alphabet")).toBe("NATO alphabet");
    expect(normalizeTopic("true/false questions about  photosynthesis")).toBe("Photosynthesis");
    expect(normalizeTopic("a quiz on Roman roads")).toBe("Roman roads");
    expect(normalizeTopic("React hooks questions")).toBe("React hooks");
    expect(normalizeTopic("Questions")).toBe("Questions");
  });

  it("one key for every way of naming the same topic", () => {
    const key = topicKey("NATO alphabet");
    for (const name of ["40 questions on the NATO alphabet", "The NATO alphabet", "nato alphabet", "NATO  Alphabet"])
      expect(topicKey(name)).toBe(key);
    expect(topicKey("NATO history")).not.toBe(key);
  });
});

describe("checkTopicName", () => {
  it("tidies spaces; refuses an empty or too long name", () => {
    expect(checkTopicName("  Spanish   verbs ")).toEqual({ name: "Spanish verbs" });
    expect(checkTopicName(" \n ")).toEqual({ problem: "Give the topic a name." });
    expect(checkTopicName("\u200B\u200B")).toEqual({ problem: "Give the topic a name." });
    expect(checkTopicName("Bio\u0000logy")).toEqual({
      problem: "The topic name contains a control character (U+0000); remove it.",
    });
    expect(checkTopicName("x".repeat(61))).toEqual({ problem: "A topic name can be at most 60 characters." });
  });
});
