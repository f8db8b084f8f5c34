/**
 * The model's contract for one question: part of the zod schema given to
 * `streamText` + `Output.object`, so the JSON Schema the provider sees carries
 * the limits and descriptions. Only complete questions that parse against it
 * are saved; `normalizeQuestion` then checks what JSON Schema cannot express.
 *
 * Server-only (zod never reaches the browser). Its shape is the database's
 * `vGeneratedQuestion` (`lib/validators.ts`), checked by a test.
 */
import { jsonSchema, zodSchema } from "ai";
import { z } from "zod";
import { DIFFICULTIES, QUESTION_TYPES, type GeneratedQuestion } from "../../../lib/validators";

export const generatedQuestionSchema = z.object({
  question: z.string().min(1).max(1000).describe("The question, one sentence or two."),
  type: z.enum(QUESTION_TYPES),
  options: z
    .array(z.string().min(1).max(300))
    .min(2)
    .max(6)
    .describe('For true-false exactly ["True", "False"]; for multiple-choice 4 options.'),
  correctAnswer: z.string().min(1).max(300).describe("Exactly one of the options."),
  explanation: z.string().max(2000).describe("Why the answer is right, in one or two sentences."),
  difficulty: z.enum(DIFFICULTIES),
}) satisfies z.ZodType<GeneratedQuestion>;

/**
 * The whole answer of the one generation call: the plan first, then the
 * questions. `plan` sorts before `questions`, so providers that order
 * properties alphabetically (Gemini) still write the plan first.
 */
export const generationOutputSchema = z.object({
  plan: z.object({
    topic: z.string().describe("A short title for the topic, in the learner's language."),
    questionCount: z.number().describe("How many questions this answer holds."),
  }),
  questions: z.array(generatedQuestionSchema).describe("Exactly plan.questionCount questions."),
});

/**
 * `generationOutputSchema` as the provider sees it (its JSON Schema), but
 * accepting any value when the answer is parsed: each question is checked on
 * its own (`generatedQuestionSchema.safeParse`), so one bad question is
 * skipped and counted instead of failing the whole answer.
 */
export const lenientGenerationOutput = jsonSchema<unknown>(() => zodSchema(generationOutputSchema).jsonSchema, {
  validate: (value) => ({ success: true, value }),
});
