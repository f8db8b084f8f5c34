/**
 * The fields derived from a question's text, written with every insert and edit: its search text (the
 * search index's field) and its text key (duplicates are found by it, through `by_user_text_key`).
 */
import { questionSearchText } from "../../lib/questionSearch";
import type { GeneratedQuestion } from "../../lib/validators";
import { questionKey } from "./questionQuality";

/** Bumped when what `searchFields` derives changes: `migrations.backfillSearchFields` rewrites older questions. */
export const SEARCH_FIELDS_VERSION = 1;

/** A question's derived fields, to spread into its insert or patch. */
export function searchFields(question: Pick<GeneratedQuestion, "question" | "options" | "explanation">): {
  searchText: string;
  textKey: string;
  searchVersion: number;
} {
  return {
    searchText: questionSearchText(question),
    textKey: questionKey(question.question),
    searchVersion: SEARCH_FIELDS_VERSION,
  };
}
