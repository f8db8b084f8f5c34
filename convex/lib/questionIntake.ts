/**
 * The checker of an attempt, where the quality gate stands: each complete
 * question the model wrote is checked (`checkQuestion`: its shape, its answer
 * among its options), counted, and kept only if it is usable and new (not a
 * question the job already has, nor one this attempt took); then its
 * item-writing flaws are found (`findQuestionFlaws`): one with a severe flaw is
 * rejected (kept aside, so the attempt can ask for a replacement), one with
 * mild flaws is kept, marked with them. Pure. Whether a question asks what one
 * of the learner's others asks needs the collection: `saveBatch` judges that.
 */
import { findQuestionFlaws, gateVerdict } from "../../lib/questionFlaws";
import type { FlawNote, GatedQuestion, QuestionContent } from "../../lib/validators";
import { checkQuestion, questionKey } from "./questionQuality";

/** A usable question the gate kept out, with the flaws that did it. */
export type RejectedQuestion = { question: QuestionContent; flaws: FlawNote[] };

export class QuestionIntake {
  /** Complete questions the model wrote in this attempt (usable or not). */
  generated = 0;
  /** Of those, the unusable ones (schema, or an answer not among the options). */
  skipped = 0;
  /** Usable ones the gate rejected for a severe flaw, in order. */
  readonly rejected: RejectedQuestion[] = [];
  /** The texts of the questions it kept. */
  readonly taken: string[] = [];
  private readonly seen: Set<string>;

  /** `existing`: the texts of the questions the job already has. */
  constructor(existing: readonly string[]) {
    this.seen = new Set(existing.map(questionKey));
  }

  /** The usable, new questions among `elements` that pass the gate, in order, each with its mild flaws. */
  take(elements: readonly unknown[]): GatedQuestion[] {
    const kept: GatedQuestion[] = [];
    for (const element of elements) {
      this.generated++;
      const question = checkQuestion(element);
      if (!question) {
        this.skipped++;
        continue;
      }
      const key = questionKey(question.question);
      if (!key || this.seen.has(key)) continue;
      const verdict = gateVerdict(findQuestionFlaws(question));
      // A rejected question is not taken: its rewrite may keep its wording and fix only the flaw.
      if ("rejected" in verdict) this.rejected.push({ question, flaws: verdict.rejected });
      else {
        this.seen.add(key);
        kept.push(verdict.advice.length > 0 ? { ...question, flaws: verdict.advice } : question);
        this.taken.push(question.question);
      }
    }
    return kept;
  }
}
