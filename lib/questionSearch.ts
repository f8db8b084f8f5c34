/**
 * Search text: how a question's words are stored for the search index and how a search box's text is
 * matched against them. Pure: used by the server (`convex/lib/searchFields.ts`, `convex/myQuestions.ts`).
 *
 * Convex's tokenizer splits on whitespace and punctuation; convex-test (local-convex's engine) splits on
 * whitespace only. Text is stored with punctuation already turned into spaces, so both find the same words.
 */
import { JOB_CONFIG } from "./constants/jobs";

/** NFKC, lower case, punctuation and symbols as spaces, one space between words. */
export function searchableText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{C}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** What search looks in: a question's text, its options and its explanation. */
export function questionSearchText(question: { question: string; options: string[]; explanation: string }): string {
  return searchableText([question.question, ...question.options, question.explanation].join(" "));
}

/** The words of a search (at most `MAX_SEARCH_TERMS`, from the first `MAX_SEARCH_LENGTH` characters). */
export function searchTerms(search: string): string[] {
  const words = searchableText(search.slice(0, JOB_CONFIG.MAX_SEARCH_LENGTH)).split(" ");
  return words.filter((word) => word.length > 0).slice(0, JOB_CONFIG.MAX_SEARCH_TERMS);
}

/** True when every term starts a word of `text` (stored search text): all the words searched for, the
 * last one perhaps still being typed. */
export function matchesSearchTerms(text: string, terms: readonly string[]): boolean {
  const words = text.split(" ");
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}
