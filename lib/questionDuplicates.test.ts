import { describe, expect, it } from "vitest";
import {
  DUPLICATE_BAND_COUNT,
  DUPLICATE_SIGNATURE_VERSION,
  DuplicateIndex,
  duplicateBandKeys,
  findDuplicateQuestion,
  isDuplicateQuestion,
  mostSharedCandidates,
  questionFacts,
  questionSimilarity,
  type ComparableQuestion,
} from "./questionDuplicates";

const mc = (question: string, correctAnswer: string): ComparableQuestion => ({
  question,
  type: "multiple-choice",
  correctAnswer,
});
const tf = (question: string, correctAnswer: "True" | "False"): ComparableQuestion => ({
  question,
  type: "true-false",
  correctAnswer,
});

describe("questionFacts", () => {
  it("keeps the content words and the answer, canonicalised", () => {
    expect(questionFacts(mc("Who wrote Romeo and Juliet?", "William Shakespeare"))).toEqual({
      stem: ["write", "romeo", "juliet"],
      answer: ["william", "shakespear"],
      all: ["write", "romeo", "juliet", "william", "shakespear"],
      numbers: [],
      markers: [],
      names: ["romeo", "juliet", "william", "shakespear"],
      statement: false,
    });
    expect(questionFacts(mc("When did the Second World War end?", "1945")).all).toEqual(
      questionFacts(mc("In which year did World War II end?", "1945")).all,
    );
    expect(questionFacts(mc("A hexagon has how many sides?", "Six")).numbers).toEqual(["6"]);
    expect(questionFacts(tf("The Pacific is the largest ocean.", "True")).answer).toEqual([]);
  });
});

describe("duplicateBandKeys", () => {
  it("gives one short, versioned key per band, the same every time", () => {
    const keys = duplicateBandKeys(mc("What is the capital of France?", "Paris"));
    expect(keys).toHaveLength(DUPLICATE_BAND_COUNT);
    for (const [band, key] of keys.entries()) {
      expect(key).toMatch(new RegExp(`^${DUPLICATE_SIGNATURE_VERSION}\\.${band.toString(36)}\\.[0-9a-z]{1,7}$`));
    }
    // Fixed values: keys stored by one release (or runtime: convex/lib/questionFlawsRuntime.test.ts) are looked up by the next.
    expect(keys.slice(0, 2)).toEqual(["1.0.fa5zh8", "1.1.1x6ktwd"]);
  });

  it("shares a key between paraphrases and almost none between unrelated questions", () => {
    const keys = new Set(duplicateBandKeys(mc("What is the largest planet in our solar system?", "Jupiter")));
    const shared = (question: ComparableQuestion) => duplicateBandKeys(question).filter((key) => keys.has(key)).length;
    expect(shared(mc("Which planet is the biggest in the Solar System?", "Jupiter"))).toBe(DUPLICATE_BAND_COUNT);
    expect(shared(mc("Who painted the Mona Lisa?", "Leonardo da Vinci"))).toBe(0);
  });

  it("gives no keys to a question without content words", () => {
    expect(duplicateBandKeys(mc("Which of these is it?", "None"))).toEqual([]);
  });
});

describe("questionSimilarity and isDuplicateQuestion", () => {
  it.each([
    [mc("What is the capital of France?", "Paris"), mc("Which city is France's capital?", "Paris")],
    [mc("What is the chemical symbol for gold?", "Au"), mc("Which element has the chemical symbol Au?", "Gold")],
    [
      mc("Who wrote Romeo and Juliet?", "William Shakespeare"),
      mc("Romeo and Juliet was written by which playwright?", "Shakespeare"),
    ],
    [tf("Sound travels faster than light.", "False"), tf("Light travels faster than sound.", "True")],
    [
      tf("The Pacific is the largest ocean on Earth.", "True"),
      mc("Which is the largest ocean in the world?", "The Pacific Ocean"),
    ],
    [mc("What is 7 × 8?", "56"), mc("What is the product of seven and eight?", "56")],
    [
      tf('In the NATO phonetic alphabet, "Charlie" is the code word for the letter C.', "True"),
      mc("Which code word stands for the letter C in the NATO phonetic alphabet?", "Charlie"),
    ],
  ])("%j asks what %j asks", (a, b) => {
    expect(isDuplicateQuestion(a, b)).toBe(true);
    expect(questionSimilarity(a, b)).toBe(questionSimilarity(b, a));
  });

  it.each([
    [mc("What is the capital of France?", "Paris"), mc("What is the capital of Germany?", "Berlin")],
    [mc("What is 7 × 8?", "56"), mc("What is 7 × 9?", "63")],
    [
      mc("Who was Henry VIII's first wife?", "Catherine of Aragon"),
      mc("Who was Henry VIII's last wife?", "Catherine Parr"),
    ],
    [mc("What is the largest planet?", "Jupiter"), mc("What is the smallest planet?", "Mercury")],
    [mc("Who wrote the novel 1984?", "George Orwell"), mc("Who wrote the novel Animal Farm?", "George Orwell")],
    [mc("Who painted the Mona Lisa?", "Leonardo da Vinci"), mc("Who painted The Last Supper?", "Leonardo da Vinci")],
    [tf("Sound travels faster than light.", "False"), tf("Light travels faster in water than in air.", "False")],
    // One template, different names: a statement's names play the part of an answer.
    [
      tf('In the NATO phonetic alphabet, "Juliett" is the code word for the letter J.', "True"),
      tf('In the NATO phonetic alphabet, "Charlie" is the code word for the letter C.', "True"),
    ],
    [
      tf('In the NATO phonetic alphabet, "November" is the code word for the letter P.', "False"),
      mc("Which code word stands for the letter N in the NATO phonetic alphabet?", "November"),
    ],
    [tf("Paris is the capital of France.", "True"), tf("Madrid is the capital of Spain.", "True")],
  ])("%j does not ask what %j asks", (a, b) => {
    expect(isDuplicateQuestion(a, b)).toBe(false);
  });
});

describe("mostSharedCandidates", () => {
  it("keeps the candidates found under the most band keys, ties in the order first met, each once", () => {
    const underKeys = [["a", "b", "b"], ["c", "b"], ["c", "d"], ["e"]];
    expect(mostSharedCandidates(underKeys, 3)).toEqual(["b", "c", "a"]);
    expect(mostSharedCandidates(underKeys)).toEqual(["b", "c", "a", "d", "e"]);
  });
});

describe("DuplicateIndex", () => {
  const owned = [
    mc("What is the capital of France?", "Paris"),
    mc("What is the capital of Germany?", "Berlin"),
    mc("Who painted the Mona Lisa?", "Leonardo da Vinci"),
    tf("Tokyo is the capital of Japan.", "True"),
  ];
  const index = new DuplicateIndex<ComparableQuestion>();
  for (const question of owned) index.add(question);

  it("finds through band keys the duplicate a full scan finds", () => {
    for (const probe of [
      mc("Which city is France's capital?", "Paris"),
      mc("The Mona Lisa was painted by which artist?", "Leonardo da Vinci"),
      mc("What is the capital of Japan?", "Tokyo"),
      mc("What is the capital of Spain?", "Madrid"),
    ]) {
      expect(index.findDuplicate(probe)?.duplicateOf ?? null).toBe(
        findDuplicateQuestion(probe, owned)?.duplicateOf ?? null,
      );
    }
    expect(index.findDuplicate(mc("Which city is France's capital?", "Paris"))?.duplicateOf).toBe(owned[0]);
    expect(index.findDuplicate(mc("What is the capital of Spain?", "Madrid"))).toBeNull();
  });

  it("returns each candidate once, and can skip one (the question itself)", () => {
    const probe = mc("What is the capital of France?", "Paris");
    const candidates = index.candidates(probe);
    expect(new Set(candidates).size).toBe(candidates.length);
    expect(candidates).toContain(owned[0]);
    expect(index.findDuplicate(probe, (candidate) => candidate === owned[0])).toBeNull();
  });
});
