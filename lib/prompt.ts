import { JOB_CONFIG } from "./constants/jobs";

export type PromptCheck = { ok: true; prompt: string } | { ok: false; message: string };

/**
 * Characters that show nothing: Unicode format characters (zero-width space
 * and joiners, direction marks, BOM, soft hyphen...), control characters
 * other than line breaks and tabs, and the blank "letters" (Hangul fillers,
 * the blank Braille pattern) that pass for text.
 */
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u115F\u1160\u2800\u3164\uFFA0]/gu;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const EDGES = /^[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]+|[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]+$/gu;

/**
 * Checks what a user typed as a generation prompt. The same rule runs in the
 * modal (inline message while typing) and in `createJob` (the authority).
 *
 * The prompt kept is the text without control characters, trimmed of
 * whitespace and invisible characters at both ends. Its length is counted in
 * characters a person sees (code points), so emoji and non-Latin scripts are
 * not penalised; the minimum counts only visible characters, so a prompt of
 * zero-width spaces is empty.
 */
export function validatePrompt(raw: string): PromptCheck {
  const prompt = raw.replace(CONTROL, "").replace(EDGES, "");
  const length = promptLength(prompt);
  const visible = promptLength(prompt.replace(INVISIBLE, "").replace(/\s+/g, " "));
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

/** Length in code points, so "🧬" counts as one character. */
export function promptLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
