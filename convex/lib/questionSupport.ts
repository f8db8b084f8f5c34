/**
 * Between the checker and the batcher of an attempt: what supports each
 * question. A question written from a section of a learner's source keeps its
 * quote only once it is found in that section (`questionSupport`: verified,
 * with its place and context); one whose quote is not found is kept only when
 * the model labelled it general knowledge (never shown as sourced), and is
 * otherwise skipped and counted. A job over a prompt keeps its questions as
 * they are. The mild flaws the quality gate marked a question with go on with it. Pure.
 */
import { questionSupport } from "../../lib/quotes";
import type {
  GatedQuestion,
  QuestionContent,
  QuestionSource,
  QuestionToSave,
  SectionPlace,
} from "../../lib/validators";
import type { Id } from "../_generated/dataModel";

export type SupportCheck = {
  /** The questions worth saving among `questions` (usable, new), as `saveBatch` takes them. */
  keep(questions: readonly GatedQuestion[]): QuestionToSave[];
  /** Questions dropped because nothing supports them. */
  readonly unsupported: number;
};

/** A job over a prompt: nothing to check, the questions go on as the model wrote them. */
export const noSourceCheck: SupportCheck = {
  keep: (questions) => questions.map(contentOf),
  unsupported: 0,
};

/** The section an attempt writes from: its source, its index and place, and its text. */
export type Section = {
  sourceId: Id<"sources">;
  sourceName: string;
  index: number;
  place: SectionPlace;
  text: string;
};

/** The check of an attempt over `section`: verified quotes kept with their place, general knowledge labelled. */
export class SectionSupport implements SupportCheck {
  unsupported = 0;
  /** Of the kept questions, those resting on general knowledge. */
  generalKnowledge = 0;

  constructor(private readonly section: Section) {}

  keep(questions: readonly GatedQuestion[]): QuestionToSave[] {
    const kept: QuestionToSave[] = [];
    for (const question of questions) {
      const support = questionSupport(question, this.section.text);
      if (support === null) {
        this.unsupported++;
        continue;
      }
      if ("generalKnowledge" in support) this.generalKnowledge++;
      kept.push({ ...contentOf(question), source: this.place("quote" in support ? support.quote : undefined) });
    }
    return kept;
  }

  private place(quote: QuestionSource["quote"]): QuestionSource {
    const { sourceId, sourceName, index, place } = this.section;
    return {
      sourceId,
      name: sourceName,
      sectionIndex: index,
      ...(place.heading !== undefined ? { heading: place.heading } : {}),
      ...(place.pageStart !== undefined ? { pageStart: place.pageStart } : {}),
      ...(place.pageEnd !== undefined ? { pageEnd: place.pageEnd } : {}),
      ...(quote ? { quote } : {}),
    };
  }
}

/** What a question says, and the mild flaws it is marked with, without what the model claimed supports it. */
function contentOf(question: GatedQuestion): QuestionContent & Pick<QuestionToSave, "flaws"> {
  const { question: text, type, options, correctAnswer, explanation, difficulty, flaws } = question;
  return { question: text, type, options, correctAnswer, explanation, difficulty, ...(flaws ? { flaws } : {}) };
}
