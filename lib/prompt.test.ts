import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import { validatePrompt } from "./prompt";
import { codePointLength } from "./text";

describe("validatePrompt", () => {
  test.each([
    ["", "Type what you want to learn about."],
    ["   \n\t ", "Type what you want to learn about."],
    ["ab", "Use at least 3 characters so the topic is clear."],
    ["  ab  ", "Use at least 3 characters so the topic is clear."],
    ["\u200B\u200B\u200B\u200B", "Type what you want to learn about."],
    ["\uFEFF \u2060\u00AD\u200D\u3164\u2800", "Type what you want to learn about."],
    ["\u0000\u0001\u0007", "Type what you want to learn about."],
    ["a\u200Bb\u200B", "Use at least 3 characters so the topic is clear."],
    ["\uDC00\uDC00\uD800", "Type what you want to learn about."],
  ])("rejects %j with a clear message", (raw, message) => {
    expect(validatePrompt(raw)).toEqual({ ok: false, message });
  });

  test("accepts and trims a prompt at the bounds", () => {
    expect(validatePrompt("  DNA ")).toEqual({ ok: true, prompt: "DNA" });
    const longest = "x".repeat(JOB_CONFIG.MAX_PROMPT_LENGTH);
    expect(validatePrompt(longest)).toEqual({ ok: true, prompt: longest });
  });

  test("rejects one character over the maximum and says how long it is", () => {
    const result = validatePrompt("x".repeat(JOB_CONFIG.MAX_PROMPT_LENGTH + 1));
    expect(result).toEqual({ ok: false, message: "Keep it under 5,000 characters (this is 5,001)." });
  });

  test("keeps what is inside, drops control characters and invisible edges", () => {
    expect(validatePrompt("\u200B NATO\u0007 alphabet \uFEFF")).toEqual({ ok: true, prompt: "NATO alphabet" });
    // A zero-width joiner inside an emoji sequence stays: it is part of what is seen.
    expect(validatePrompt("👩\u200D🔬 lab safety")).toEqual({ ok: true, prompt: "👩\u200D🔬 lab safety" });
    expect(validatePrompt("line one\nline two")).toEqual({ ok: true, prompt: "line one\nline two" });
  });

  test("counts emoji and non-Latin text as the characters a person sees", () => {
    expect(codePointLength("🧬🧪")).toBe(2);
    expect(validatePrompt("🧬🧪").ok).toBe(false);
    expect(validatePrompt("🧬🧪🔬")).toEqual({ ok: true, prompt: "🧬🧪🔬" });
    expect(validatePrompt("עברית")).toEqual({ ok: true, prompt: "עברית" });
  });
});
