import { JOB_CONFIG } from "./constants/jobs";

export type PromptCheck =
  | { ok: true; prompt: string }
  | { ok: false; message: string };

/**
 * Checks what a user typed as a generation prompt. The same rule runs in the
 * modal (inline message while typing) and in `createJob` (the authority).
 * Length is counted in characters a person sees (code points), after trimming,
 * so emoji and non-Latin scripts are not penalised.
 */
export function validatePrompt(raw: string): PromptCheck {
  const prompt = raw.trim();
  const length = promptLength(prompt);
  if (length === 0) {
    return { ok: false, message: "Type what you want to learn about." };
  }
  if (length < JOB_CONFIG.MIN_PROMPT_LENGTH) {
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
