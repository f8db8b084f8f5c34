import { describe, expect, test } from "vitest";
import { JOB_CONFIG } from "./constants/jobs";
import { promptLength, validatePrompt } from "./prompt";

describe("validatePrompt", () => {
  test.each([
    ["", "Type what you want to learn about."],
    ["   \n\t ", "Type what you want to learn about."],
    ["ab", "Use at least 3 characters so the topic is clear."],
    ["  ab  ", "Use at least 3 characters so the topic is clear."],
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

  test("counts emoji and non-Latin text as the characters a person sees", () => {
    expect(promptLength("🧬🧪")).toBe(2);
    expect(validatePrompt("🧬🧪").ok).toBe(false);
    expect(validatePrompt("🧬🧪🔬")).toEqual({ ok: true, prompt: "🧬🧪🔬" });
    expect(validatePrompt("עברית")).toEqual({ ok: true, prompt: "עברית" });
  });
});
