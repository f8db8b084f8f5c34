import { JOB_CONFIG } from "./constants/jobs";
import { codePointLength, trimInvisible, visibleLength, withoutUnreadable } from "./text";

export type PromptCheck = { ok: true; prompt: string } | { ok: false; message: string };

/**
 * Checks what a user typed as a generation prompt. The same rule runs in the
 * modal (inline message while typing) and in `createJob` (the authority).
 *
 * The prompt kept is the text without control characters and lone
 * surrogates, trimmed of whitespace and invisible characters at both ends
 * (`lib/text.ts`). Its length is counted in characters a person sees (code
 * points), so emoji and non-Latin scripts are not penalised; the minimum
 * counts only visible characters, so a prompt of zero-width spaces is empty.
 */
export function validatePrompt(raw: string): PromptCheck {
  const prompt = trimInvisible(withoutUnreadable(raw));
  const length = codePointLength(prompt);
  const visible = visibleLength(prompt);
  if (visible === 0) {
    return { ok: false, message: "Type what you want to learn about." };
  }
  if (visible < JOB_CONFIG.MIN_PROMPT_LENGTH) {
    return {
      ok: false,
      message: `Use at least ${JOB_CONFIG.MIN_PROMPT_LENGTH} characters so the topic is clear.`,
    };
  }
  if (length > JOB_CONFIG.MAX_PROMPT_LENGTH) {
    return {
      ok: false,
      message: `Keep it under ${JOB_CONFIG.MAX_PROMPT_LENGTH.toLocaleString("en-US")} characters (this is ${length.toLocaleString("en-US")}).`,
    };
  }
  return { ok: true, prompt };
}
