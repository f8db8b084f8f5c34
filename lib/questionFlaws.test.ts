import { describe, expect, it } from "vitest";
import { FLAW_SEVERITY, findQuestionFlaws, isSevereFlaw, type CheckableQuestion } from "./questionFlaws";
import { QUESTION_FLAW_CODES } from "./validators";

/** A multiple-choice question; the first option is the correct one. */
function mc(question: string, options: string[], explanation = "See the course notes."): CheckableQuestion {
  return { question, type: "multiple-choice", options, correctAnswer: options[0]!, explanation };
}

function tf(statement: string, answer: "True" | "False", explanation = "See the course notes."): CheckableQuestion {
  return { question: statement, type: "true-false", options: ["True", "False"], correctAnswer: answer, explanation };
}

const codes = (question: CheckableQuestion) => findQuestionFlaws(question).map((flaw) => flaw.code);

describe("findQuestionFlaws", () => {
  it("finds nothing in a well-written question", () => {
    expect(
      findQuestionFlaws(
        mc(
          "Which gas do plants absorb for photosynthesis?",
          ["Carbon dioxide", "Oxygen", "Nitrogen", "Hydrogen"],
          "Plants take in carbon dioxide and give off oxygen.",
        ),
      ),
    ).toEqual([]);
  });

  it("gives every flaw its severity and a reason a learner can read", () => {
    const flaws = findQuestionFlaws(
      mc("Which of these is NOT usually a mammal?", ["Shark", "Whale", "Dolphin", "All of the above"]),
    );
    expect(flaws.map((flaw) => flaw.code)).toEqual(["ALL_OR_NONE_OF_THE_ABOVE", "NEGATIVE_STEM", "VAGUE_TERMS"]);
    for (const flaw of flaws) {
      expect(flaw.severity).toBe(FLAW_SEVERITY[flaw.code]);
      expect(flaw.reason).toMatch(/^[A-Z"].{20,}[.:"]$/);
    }
    expect(flaws[0]!.reason).toContain('"All of the above"');
    expect(flaws[1]!.reason).toContain('"NOT"');
    expect(flaws[2]!.reason).toContain('"usually"');
  });

  it("calls the giveaways severe and the style problems mild", () => {
    expect(QUESTION_FLAW_CODES.filter((code) => isSevereFlaw(code))).toEqual([
      "ANSWER_IN_STEM",
      "LONGEST_ANSWER",
      "ALL_OR_NONE_OF_THE_ABOVE",
      "DUPLICATE_OPTIONS",
      "EXPLANATION_MISMATCH",
      "DUPLICATE_QUESTION",
    ]);
  });

  describe("ANSWER_IN_STEM", () => {
    it("flags a word of the answer, or a close form of it, that the question repeats and no distractor has", () => {
      expect(
        codes(
          mc("What type of energy is stored in chemical bonds?", ["Chemical energy", "Kinetic energy", "Heat energy"]),
        ),
      ).toContain("ANSWER_IN_STEM");
      expect(
        codes(mc("What is the process by which water vapour condenses?", ["Condensation", "Evaporation", "Melting"])),
      ).toContain("ANSWER_IN_STEM");
      expect(
        codes(mc("Which ocean lies south of India?", ["Indian Ocean", "Atlantic Ocean", "Arctic Ocean"])),
      ).toContain("ANSWER_IN_STEM");
    });

    it("does not flag a word the distractors share, a short number, or a word that only looks alike", () => {
      expect(
        codes(mc("Which blood cells carry oxygen?", ["Red blood cells", "White blood cells", "Platelets"])),
      ).toEqual([]);
      expect(codes(mc("How many beats does a whole note last in 4/4 time?", ["4", "2", "1", "8"]))).toEqual([]);
      expect(codes(mc("Which JavaScript keyword declares a constant?", ["const", "let", "var"]))).toEqual([]);
      expect(codes(mc("What is the plural of 'child'?", ["children", "childs", "childes"]))).toEqual([]);
    });
  });

  describe("LONGEST_ANSWER", () => {
    it("flags a correct option much longer than every distractor", () => {
      expect(
        codes(
          mc("What is inertia?", [
            "The tendency of an object to resist changes to its motion unless a force acts on it",
            "A kind of energy",
            "A unit of mass",
            "Friction",
          ]),
        ),
      ).toEqual(["LONGEST_ANSWER"]);
    });

    it("does not flag long options when all of them are long, nor a two-word term among one-word ones", () => {
      expect(
        codes(
          mc("What was the main aim of the Congress of Vienna?", [
            "To restore a balance of power in Europe after the defeat of Napoleon",
            "To unite the German states into a single empire under Prussia",
            "To divide Africa among the European colonial powers",
          ]),
        ),
      ).toEqual([]);
      expect(
        codes(
          mc("Which measure of spread is the square root of the variance?", [
            "Standard deviation",
            "Range",
            "Median",
            "Mode",
          ]),
        ),
      ).toEqual([]);
    });
  });

  describe("ALL_OR_NONE_OF_THE_ABOVE", () => {
    it.each([
      "All of the above",
      "None of these",
      "Both A and B",
      "Neither A nor B",
      "A and C",
      "All the above",
      "Both",
      "Both 1 and 2",
    ])("flags %j", (option) => {
      expect(codes(mc("Which of these is a noble gas?", ["Helium", "Neon", "Argon", option]))).toContain(
        "ALL_OR_NONE_OF_THE_ABOVE",
      );
    });

    it("flags 'both X and Y' naming two other options", () => {
      expect(
        codes(mc("Which shape has four right angles?", ["Both square and rectangle", "Square", "Rectangle", "Kite"])),
      ).toContain("ALL_OR_NONE_OF_THE_ABOVE");
    });

    it("does not flag None as an answer, nor an option that only starts like one", () => {
      expect(codes(mc("How many moons does Venus have?", ["None", "One", "Two"]))).toEqual([]);
      expect(codes(mc("In Python, which value represents nothing?", ["None", "null", "nil"]))).toEqual([]);
      expect(
        codes(
          mc("What is true of the continents?", [
            "They move slowly on tectonic plates",
            "None of them is near the equator",
            "They sit still on the mantle",
          ]),
        ),
      ).not.toContain("ALL_OR_NONE_OF_THE_ABOVE");
    });
  });

  describe("NEGATIVE_STEM", () => {
    it.each([
      "Which of the following is not a mammal?",
      "All of these are noble gases EXCEPT:",
      "Each of these is in the EU except which one?",
      "Which statement about photosynthesis is false?",
      "Which of these animals cannot fly?",
      "Which of these isn't a programming paradigm?",
      "Which sentence is grammatically incorrect?",
      "Which one is the odd one out?",
    ])("flags %j", (question) => {
      expect(codes(mc(question, ["Lorem", "Ipsum", "Dolor"]))).toContain("NEGATIVE_STEM");
    });

    it("flags NOT in capitals in a true/false statement", () => {
      expect(codes(tf("It is NOT true that the Moon makes its own light.", "True"))).toEqual(["NEGATIVE_STEM"]);
    });

    it("does not flag words that only contain a negation, nor a negation that is not the question", () => {
      expect(codes(mc("In Python, which value represents nothing?", ["None", "null", "nil"]))).toEqual([]);
      expect(
        codes(mc("What is a knot as a unit of speed?", ["One nautical mile per hour", "One metre per second"])),
      ).toEqual([]);
      expect(
        codes(mc("What is a word with the same meaning as another word?", ["Synonym", "Antonym", "Acronym"])),
      ).toEqual([]);
      expect(codes(tf("Spiders are not insects.", "True"))).toEqual([]);
      expect(
        codes(
          mc("What does the CAP theorem say a distributed store cannot guarantee at once?", ["C, A and P", "Speed"]),
        ),
      ).toEqual([]);
      expect(codes(mc("Which Python statement handles an exception?", ["try", "catch", "rescue"]))).toEqual([]);
    });
  });

  describe("ABSOLUTE_TERMS", () => {
    it("flags distractors that say always, never, only, all or none when the correct option doesn't", () => {
      const flaws = findQuestionFlaws(
        mc("What is a characteristic of igneous rocks?", [
          "They form when magma or lava cools",
          "They always contain fossils",
          "They are found underwater",
        ]),
      );
      expect(flaws.map((flaw) => flaw.code)).toEqual(["ABSOLUTE_TERMS"]);
      expect(flaws[0]!.reason).toContain('"always"');
    });

    it("does not flag a true/false statement about 'always', nor single-word vocabulary answers", () => {
      expect(codes(tf("In Euclidean geometry, a triangle's angles always add up to 180 degrees.", "True"))).toEqual([]);
      expect(
        codes(mc("What does the Spanish phrase 'a veces' mean?", ["Sometimes", "Always", "Never", "Often"])),
      ).toEqual([]);
    });

    it("does not flag when the correct option is absolute too, nor a closing 'all'", () => {
      expect(
        codes(
          mc("What is true of every square?", [
            "All four sides are equal",
            "Only two sides are equal",
            "It has five sides",
          ]),
        ),
      ).toEqual([]);
      expect(codes(mc("What does 'Carpe diem' mean?", ["Seize the day", "Love conquers all", "Know thyself"]))).toEqual(
        [],
      );
    });
  });

  describe("GRAMMAR_CUE", () => {
    it("flags an article that fits only some options", () => {
      expect(codes(mc("A word that describes a noun is called an", ["adjective", "verb", "noun"]))).toEqual([
        "GRAMMAR_CUE",
      ]);
      expect(codes(mc("A scientist who studies rocks is a", ["geologist", "astronomer", "entomologist"]))).toEqual([
        "GRAMMAR_CUE",
      ]);
      expect(codes(mc("An ___ eats both plants and meat.", ["omnivore", "carnivore", "herbivore"]))).toEqual([
        "GRAMMAR_CUE",
      ]);
    });

    it("flags a plural stem whose plural answer stands among singular options", () => {
      expect(codes(mc("The organs that filter blood are the", ["kidneys", "liver", "heart"]))).toEqual(["GRAMMAR_CUE"]);
      expect(codes(mc("Spiders are not insects; they are", ["arachnids", "a crustacean", "a mollusc"]))).toEqual([
        "GRAMMAR_CUE",
      ]);
    });

    it("knows how words sound, not just how they are spelled", () => {
      expect(codes(mc("The place where students earn degrees is a", ["university", "school", "college"]))).toEqual([]);
      expect(codes(mc("Sixty minutes make an", ["hour", "epoch", "era"]))).toEqual([]);
      expect(codes(mc("A baby kangaroo is called a", ["joey", "cub", "kid", "calf"]))).toEqual([]);
    });
  });

  describe("DUPLICATE_OPTIONS", () => {
    it.each([
      ["Washington, D.C.", "Washington DC"],
      ["The pancreas", "pancreas"],
      ["Genetic information", "Genetic Information"],
      ["12", "twelve"],
      ["0.5", "0.50"],
      ["H2O", "H₂O"],
      ["White and red", "Red and white"],
      ["Jane Austen", "Austen, Jane"],
      ["United Nations", "UN"],
      ["NASA", "National Aeronautics and Space Administration"],
      ["Mt Everest", "Mount Everest"],
    ])("flags %j and %j", (a, b) => {
      expect(codes(mc("Which one?", [a, b, "Something else entirely"]))).toContain("DUPLICATE_OPTIONS");
    });

    it("keeps a minus sign, different words in the same order, and grammar variants apart", () => {
      expect(codes(mc("What is the derivative of sin x?", ["cos x", "-cos x", "sin x", "tan x"]))).toEqual([]);
      expect(
        codes(mc("Which is correct?", ["She doesn't like apples", "She don't like apples", "They don't like apples"])),
      ).not.toContain("DUPLICATE_OPTIONS");
      expect(codes(mc("Which form is the present participle of 'run'?", ["running", "run", "runs", "ran"]))).toEqual(
        [],
      );
    });
  });

  describe("VAGUE_TERMS", () => {
    it("flags a question that rests on usually, often, sometimes, may or generally", () => {
      expect(codes(mc("What do plants usually need to grow?", ["Water", "Salt", "Sand"]))).toEqual(["VAGUE_TERMS"]);
      expect(codes(tf("Cats sometimes sleep 12 hours a day.", "True"))).toEqual(["VAGUE_TERMS"]);
      expect(
        codes(mc("What may happen if you overwater a plant?", ["Root rot", "Faster growth", "Blue leaves"])),
      ).toEqual(["VAGUE_TERMS"]);
    });

    it("does not flag the month of May, a quoted word, or a name something is often called", () => {
      expect(
        codes(
          mc("In May 1940, who became Prime Minister of the United Kingdom?", ["Churchill", "Chamberlain", "Attlee"]),
        ),
      ).toEqual([]);
      expect(codes(mc("Which Spanish expression means 'often'?", ["A menudo", "Nunca", "Siempre"]))).toEqual([]);
      expect(
        codes(
          mc("Who is often called the father of computer science?", ["Alan Turing", "Charles Babbage", "Ada Lovelace"]),
        ),
      ).toEqual([]);
    });
  });

  describe("EXPLANATION_MISMATCH", () => {
    it("flags an explanation about a distractor that never names the answer", () => {
      const flaws = findQuestionFlaws(
        mc(
          "What is the capital of Australia?",
          ["Canberra", "Sydney", "Melbourne"],
          "Sydney is Australia's capital and largest city.",
        ),
      );
      expect(flaws.map((flaw) => flaw.code)).toEqual(["EXPLANATION_MISMATCH"]);
      expect(flaws[0]!.reason).toBe('The explanation is about "Sydney", not the correct answer "Canberra".');
      expect(codes(mc("What is 9 × 7?", ["63", "56", "72"], "Nine sevens make 56."))).toEqual(["EXPLANATION_MISMATCH"]);
    });

    it("flags a true/false explanation that contradicts the answer", () => {
      expect(codes(tf("Light travels faster than sound.", "True", "False. Sound is faster."))).toEqual([
        "EXPLANATION_MISMATCH",
      ]);
      expect(codes(tf("The Great Wall is visible from the Moon.", "False", "True: astronauts saw it."))).toEqual([
        "EXPLANATION_MISMATCH",
      ]);
    });

    it("does not flag an explanation that names the answer while discussing the others", () => {
      expect(
        codes(
          mc(
            "What is the capital of Canada?",
            ["Ottawa", "Toronto", "Montreal"],
            "Ottawa, not Toronto, is the capital.",
          ),
        ),
      ).toEqual([]);
      expect(
        codes(mc("What is π to two decimal places?", ["3.14", "3.41", "2.72"], "π ≈ 3.14159; 2.72 is e.")),
      ).toEqual([]);
      expect(codes(mc("What is 3 × 4?", ["12", "7", "34"], "Three fours are twelve."))).toEqual([]);
      expect(codes(tf("Bats are blind.", "False", "No: all bats can see."))).toEqual([]);
      expect(codes(tf("Jupiter is the largest planet.", "True", "No other planet comes close in mass."))).toEqual([]);
    });
  });

  describe("DUPLICATE_QUESTION", () => {
    const owned = [
      mc("What is the capital of France?", ["Paris", "Lyon", "Nice"]),
      mc("Who wrote the novel 1984?", ["George Orwell", "Aldous Huxley", "Ray Bradbury"]),
    ];

    it("flags a paraphrase of an owned question, naming it", () => {
      const flaws = findQuestionFlaws(mc("Which city is France's capital?", ["Paris", "Bordeaux", "Lille"]), { owned });
      expect(flaws).toEqual([
        {
          code: "DUPLICATE_QUESTION",
          severity: "severe",
          reason: 'You already have a question that asks this: "What is the capital of France?"',
        },
      ]);
    });

    it("does not flag a question on another fact, nor anything without a collection", () => {
      expect(
        codes({ ...mc("Who wrote the novel Animal Farm?", ["George Orwell", "Aldous Huxley", "William Golding"]) }),
      ).toEqual([]);
      expect(
        findQuestionFlaws(mc("Who wrote the novel Animal Farm?", ["George Orwell", "Aldous Huxley"]), { owned }),
      ).toEqual([]);
      expect(findQuestionFlaws(mc("Which city is France's capital?", ["Paris", "Bordeaux", "Lille"]))).toEqual([]);
    });
  });
});
