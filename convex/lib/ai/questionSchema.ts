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
import { SOURCE_CONFIG } from "../../../lib/constants/sources";
import { DIFFICULTIES, QUESTION_TYPES, type GeneratedQuestion } from "../../../lib/validators";

/** Longest quote the model may write: past `MAX_QUOTE_CHARS` it is not verified (the question is kept only
 * as general knowledge), but it still parses, so the question is judged, not thrown away unread. */
const QUOTE_MAX_WRITTEN = 2 * SOURCE_CONFIG.MAX_QUOTE_CHARS;

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
  quote: z
    .string()
    .max(QUOTE_MAX_WRITTEN)
    .optional()
    .describe(
      "Copied word for word from the section: the sentence or two that support the correct answer. Empty when the question rests on general knowledge.",
    ),
  generalKnowledge: z
    .boolean()
    .optional()
    .describe("True only when the section does not support the answer and it rests on general knowledge."),
}) satisfies z.ZodType<GeneratedQuestion>;

/** The fields only a question written from a source has. */
const SUPPORT_FIELDS = { quote: true, generalKnowledge: true } as const;

/**
 * The whole answer of the one generation call: the plan first, then the
 * questions. `plan` sorts before `questions`, so providers that order
 * properties alphabetically (Gemini) still write the plan first.
 */
const planSchema = z.object({
  topic: z.string().describe("A short title for the topic, in the learner's language."),
  questionCount: z.number().describe("How many questions this answer holds."),
});

export const generationOutputSchema = z.object({
  plan: planSchema,
  questions: z.array(generatedQuestionSchema.omit(SUPPORT_FIELDS)).describe("Exactly plan.questionCount questions."),
});

/**
 * The answer of a call over one section of a learner's source: the same, but
 * every question says what supports it (a quote, or general knowledge), so
 * the provider's JSON Schema requires both fields.
 */
export const sourcedGenerationOutputSchema = z.object({
  plan: planSchema,
  questions: z
    .array(generatedQuestionSchema.required(SUPPORT_FIELDS))
    .describe("Exactly plan.questionCount questions, each with its quote from the section."),
});

/**
 * An output schema as the provider sees it (its JSON Schema), but accepting
 * any value when the answer is parsed: each question is checked on its own
 * (`generatedQuestionSchema.safeParse`), so one bad question is skipped and
 * counted instead of failing the whole answer.
 */
function lenient(schema: z.ZodType) {
  return jsonSchema<unknown>(() => zodSchema(schema).jsonSchema, {
    validate: (value) => ({ success: true, value }),
  });
}

export const lenientGenerationOutput = lenient(generationOutputSchema);
export const lenientSourcedGenerationOutput = lenient(sourcedGenerationOutputSchema);
