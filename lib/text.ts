/**
 * What counts as text a person can see, for every rule that takes free text
 * from a user: the generation prompt (`validatePrompt`), an edited question
 * and a flag reason (`convex/lib/questionQuality.ts`). Pure.
 */

/**
 * Characters that show nothing: Unicode format characters (zero-width space
 * and joiners, word joiner, direction marks, BOM, soft hyphen...) and the
 * blank "letters" (Hangul fillers, the blank Braille pattern) that pass for
 * text.
 */
const INVISIBLE = /[\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]/gu;
/** Control characters other than tab, line feed and carriage return (NUL, escape, DEL, the C1 range...). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Half of a UTF-16 surrogate pair without its other half: not a character at all (with `u`, pairs don't match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
/** White space and invisible characters at either end. */
const EDGES = /^[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]+|[\s\p{Cf}\u115F\u1160\u2800\u3164\uFFA0]+$/gu;

/** Length in code points, so "🧬" counts as one character. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** How many characters of `text` a person sees: invisible ones left out, each run of white space counted as one. */
export function visibleLength(text: string): number {
  return codePointLength(text.replace(INVISIBLE, "").replace(/\s+/g, " ").trim());
}

/** `text` without control characters and lone surrogates (for text a user can't be asked to fix, like a prompt). */
export function withoutUnreadable(text: string): string {
  return text.replace(CONTROL, "").replace(LONE_SURROGATE, "");
}

/** `text` trimmed of white space and invisible characters at both ends (inside, a joiner in an emoji stays). */
export function trimInvisible(text: string): string {
  return text.replace(EDGES, "");
}

/** Why `text` can't be stored as it is, or null: a control character (named by its code point) or a lone surrogate. */
export function unreadableCharacter(text: string): string | null {
  const control = text.match(CONTROL);
  if (control) return `a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})`;
  if (text.search(LONE_SURROGATE) !== -1) return "a broken character (half of a surrogate pair)";
  return null;
}

/**
 * The problem with a free-text field a user typed, in words ("The question
 * has only invisible characters."), or null. `what` names the field; a
 * `required` field must show something; an optional one may be empty but not
 * made only of invisible characters.
 */
export function textProblem(text: string, what: string, { required }: { required: boolean }): string | null {
  const unreadable = unreadableCharacter(text);
  if (unreadable) return `${what} contains ${unreadable}; remove it.`;
  if (visibleLength(text) > 0) return null;
  if (/\S/.test(text)) return `${what} has only invisible characters (like zero-width spaces).`;
  return required ? `${what} can't be empty.` : null;
}
