/** What counts as visible text (`lib/text.ts`), shared by the prompt, edited questions and flag reasons. */
import { describe, expect, test } from "vitest";
import {
  codePointLength,
  textProblem,
  trimInvisible,
  unreadableCharacter,
  visibleLength,
  withoutUnreadable,
} from "./text";

describe("visible text", () => {
  test("format characters, blank letters and white space count for nothing", () => {
    for (const text of [
      "\u200B\u200C\u200D\u2060",
      "\uFEFF\u00AD\u200E\u202E",
      "\u115F\u1160\u2800\u3164\uFFA0",
      " \t\n",
    ])
      expect(visibleLength(text)).toBe(0);
    expect(visibleLength("a\u200B b  c")).toBe(5);
    expect(codePointLength("👩\u200D🔬")).toBe(3);
  });

  test("control characters and lone surrogates are named, or removed where the user can't be asked", () => {
    expect(unreadableCharacter("a\u0000b")).toBe("a control character (U+0000)");
    expect(unreadableCharacter("a\u009Fb")).toBe("a control character (U+009F)");
    expect(unreadableCharacter("x\uD83D")).toBe("a broken character (half of a surrogate pair)");
    expect(unreadableCharacter("\uDE00x")).toBe("a broken character (half of a surrogate pair)");
    expect(unreadableCharacter("line\nline\ttab\r\n🧬")).toBeNull();
    expect(withoutUnreadable("a\u0000b\uD83Dc🧬\n")).toBe("abc🧬\n");
  });

  test("only the edges are trimmed: a joiner inside an emoji stays", () => {
    expect(trimInvisible("\u200B 👩\u200D🔬 \uFEFF")).toBe("👩\u200D🔬");
  });

  test("textProblem says what is wrong with a field, required or not", () => {
    expect(textProblem("\u200B\u2060", "The question", { required: true })).toBe(
      "The question has only invisible characters (like zero-width spaces).",
    );
    expect(textProblem("\u200B", "The reason", { required: false })).toBe(
      "The reason has only invisible characters (like zero-width spaces).",
    );
    expect(textProblem("  ", "The question", { required: true })).toBe("The question can't be empty.");
    expect(textProblem("  ", "The reason", { required: false })).toBeNull();
    expect(textProblem("ok\u0007", "The answer", { required: true })).toBe(
      "The answer contains a control character (U+0007); remove it.",
    );
    expect(textProblem("Paris", "The answer", { required: true })).toBeNull();
  });
});
