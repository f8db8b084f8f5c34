/**
 * The fields derived from a question's text, written with every insert and edit: its search text (the
 * search index's field) and its text key (duplicates are found by it, through `by_user_text_key`). Clients
 * never get them (`withoutSearchFields`).
 */
import { questionSearchText } from "../../lib/questionSearch";
import type { GeneratedQuestion, QuestionDoc } from "../../lib/validators";
import type { Doc } from "../_generated/dataModel";
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

/** A stored question as a client gets it: without its derived fields, which only repeat its text (the page of a
 * list would be about twice as large with them). */
export function withoutSearchFields(question: Doc<"questions">): QuestionDoc {
  const { searchText: _searchText, textKey: _textKey, searchVersion: _searchVersion, ...rest } = question;
  return rest;
}
