/**
 * The checker of an attempt: each complete question the model wrote is
 * checked (`checkQuestion`), counted, and kept only if it is usable and new
 * (not a question the job already has, nor one this attempt took). Pure.
 */
import type { GeneratedQuestion } from "../../lib/validators";
import { checkQuestion, questionKey } from "./questionQuality";

export class QuestionIntake {
  /** Complete questions the model wrote in this attempt (usable or not). */
  generated = 0;
  /** Of those, the unusable ones (schema, or an answer not among the options). */
  skipped = 0;
  private readonly seen: Set<string>;

  /** `existing`: the texts of the questions the job already has. */
  constructor(existing: readonly string[]) {
    this.seen = new Set(existing.map(questionKey));
  }

  /** The usable, new questions among `elements`, in order. */
  take(elements: readonly unknown[]): GeneratedQuestion[] {
    const kept: GeneratedQuestion[] = [];
    for (const element of elements) {
      this.generated++;
      const question = checkQuestion(element);
      if (!question) {
        this.skipped++;
        continue;
      }
      const key = questionKey(question.question);
      if (key && !this.seen.has(key)) {
        this.seen.add(key);
        kept.push(question);
      }
    }
    return kept;
  }
}
