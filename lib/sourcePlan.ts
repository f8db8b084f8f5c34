/**
 * A job over a learner's source, as a plan of steps: one per section that gets
 * questions (`spreadQuestions`, in proportion to the sections' lengths), each
 * written by its own model call that sees only that section. Where the job is
 * in its plan (its public `source` field: "section 3 of 12"), how many
 * questions it holds once a step is done, and what a step is expected to cost.
 * Pure: the server and the web app share it.
 */
import { JOB_CONFIG } from "./constants/jobs";
import { SOURCE_CONFIG } from "./constants/sources";
import { CHARS_PER_TOKEN } from "./jobs";
import { spreadQuestions } from "./sections";
import type { JobSource, SectionPlace, SourcePlan, SourcePlanStep } from "./validators";

/**
 * The plan of `total` questions over a source's `sections`: the sections the
 * spread gives at least one question, in order, with their counts, lengths and
 * places. The counts add up to `total`. `base`: the questions the job already
 * holds (0 for a new job).
 */
export function planSourceJob(sections: readonly SectionPlace[], total: number, base = 0): SourcePlan {
  const counts = spreadQuestions(
    total,
    sections.map((s) => s.end - s.start),
  );
  const steps: SourcePlanStep[] = [];
  sections.forEach((section, index) => {
    const questions = counts[index]!;
    if (questions === 0) return;
    steps.push({
      section: index,
      questions,
      chars: section.end - section.start,
      ...(section.heading !== undefined ? { heading: section.heading } : {}),
      ...(section.pageStart !== undefined ? { pageStart: section.pageStart } : {}),
      ...(section.pageEnd !== undefined ? { pageEnd: section.pageEnd } : {}),
    });
  });
  return { steps, base, step: 0 };
}

/** Questions the job holds once step `step` of its plan is done (earlier steps' shortfalls carried forward). */
export function stepTarget(plan: SourcePlan, step: number = plan.step): number {
  return plan.base + plan.steps.slice(0, step + 1).reduce((sum, s) => sum + s.questions, 0);
}

/** The job's public `source` at step `step` of its plan (from 0): "section `step + 1` of `steps`", and where it is. */
export function jobSourceAt(
  plan: SourcePlan,
  source: { sourceId: JobSource["sourceId"]; name: string },
  step: number = plan.step,
): JobSource {
  const current = plan.steps[Math.min(step, plan.steps.length - 1)];
  return {
    sourceId: source.sourceId,
    name: source.name,
    step: Math.min(step, plan.steps.length - 1) + 1,
    steps: plan.steps.length,
    ...(current?.heading !== undefined ? { heading: current.heading } : {}),
    ...(current?.pageStart !== undefined ? { pageStart: current.pageStart } : {}),
    ...(current?.pageEnd !== undefined ? { pageEnd: current.pageEnd } : {}),
  };
}

/** Output tokens a question's quote takes (a sentence or two), beyond `TOKENS_PER_QUESTION_ESTIMATE`. */
const TOKENS_PER_QUOTE_ESTIMATE = Math.ceil(SOURCE_CONFIG.MAX_QUOTE_CHARS / 4 / CHARS_PER_TOKEN);
/** Characters of the plan's outline per step in each call's prompt (a heading and its count). */
const OUTLINE_CHARS_PER_STEP = 60;

type EstimatedJob = { prompt: string; questionsSaved: number; sourcePlan: SourcePlan };

/**
 * What the call of step `step` is expected to cost before it is made: the
 * system prompt, the request, the plan's outline, the section's text and the
 * questions already written from it in, and the step's questions still to
 * write (with their quotes) out. What the
 * model's shared quota is charged when the step is dispatched.
 */
export function estimateStepTokens(job: EstimatedJob, systemPromptChars: number, step = job.sourcePlan.step): number {
  const { sourcePlan: plan } = job;
  const current = plan.steps[step];
  if (!current) return 0;
  const stepStart = stepTarget(plan, step - 1);
  const savedBefore = Math.max(job.questionsSaved, stepStart);
  const left = Math.max(0, stepTarget(plan, step) - savedBefore);
  const inputChars = systemPromptChars + job.prompt.length + current.chars + OUTLINE_CHARS_PER_STEP * plan.steps.length;
  // The call is shown the questions already written from its own section (a retry's), to avoid.
  const avoid = (savedBefore - stepStart) * Math.ceil(JOB_CONFIG.TOKENS_PER_QUESTION_ESTIMATE / 2);
  return (
    Math.ceil(inputChars / CHARS_PER_TOKEN) +
    avoid +
    left * (JOB_CONFIG.TOKENS_PER_QUESTION_ESTIMATE + TOKENS_PER_QUOTE_ESTIMATE)
  );
}

/** What the steps still to run (the current one and those after it) are expected to cost in all. */
export function estimateRemainingTokens(job: EstimatedJob, systemPromptChars: number): number {
  let total = 0;
  for (let step = job.sourcePlan.step; step < job.sourcePlan.steps.length; step++)
    total += estimateStepTokens(job, systemPromptChars, step);
  return total;
}

/** How many questions the Generate form suggests for material of `chars` characters (`CHARS_PER_SUGGESTED_QUESTION`). */
export function suggestedQuestionCount(chars: number): number {
  const { MIN_QUESTIONS, MAX_QUESTIONS } = JOB_CONFIG;
  return Math.min(
    MAX_QUESTIONS,
    Math.max(MIN_QUESTIONS, Math.round(chars / SOURCE_CONFIG.CHARS_PER_SUGGESTED_QUESTION)),
  );
}
