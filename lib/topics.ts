/**
 * A topic's name, normalised, and the key that matches two names of the same
 * topic: "40 questions on the NATO alphabet", "The NATO alphabet" and "nato
 * alphabet" are one topic, "NATO alphabet". Pure: used by the plan
 * (`convex/lib/ai/prompts.ts`), saving (`convex/batches.ts`), topics (`convex/topics.ts`) and the topic
 * migration (`convex/migrations.ts`); `checkTopicName` checks a name a learner types.
 */
import { JOB_CONFIG } from "./constants/jobs";
import { textProblem, trimInvisible } from "./text";

/** "40 questions on", "a quiz about", "flashcards for", "true/false questions about"… */
const LEAD_IN =
  /^(?:(?:a|an|some)\s+)?(?:\d{1,4}\s+)?(?:(?:multiple[- ]choice|true[/ -]false|quiz|study|practice|review|hard|easy)\s+)?(?:questions?|flashcards?|cards?|quiz(?:zes)?)\s+(?:on|about|for|of)\s+/i;
const ARTICLE = /^(?:the|a|an)\s+/i;
const TRAILER = /\s+(?:questions?|flashcards?|quiz(?:zes)?)$/i;

/** The topic's name without request words or a leading article, first letter capitalised
 * (the rest kept: "NATO alphabet"). A name that would become empty is kept as it was. */
export function normalizeTopic(name: string): string {
  const line = name.replace(/\s+/g, " ").trim();
  const core = line.replace(LEAD_IN, "").replace(ARTICLE, "").replace(TRAILER, "").trim();
  const result = core || line;
  return result.charAt(0).toUpperCase() + result.slice(1);
}

/** Equal for two names of the same topic (normalised, case and width aside). */
export function topicKey(name: string): string {
  return normalizeTopic(name).normalize("NFKC").toLowerCase();
}

/** A topic name a learner typed (a new topic, a rename), spaces and invisible edges tidied, or why it can't be one. */
export function checkTopicName(name: string): { name: string } | { problem: string } {
  const tidy = trimInvisible(name.replace(/\s+/g, " "));
  if (tidy.length === 0) return { problem: "Give the topic a name." };
  const problem = textProblem(tidy, "The topic name", { required: true });
  if (problem) return { problem };
  if (tidy.length > JOB_CONFIG.MAX_TOPIC_LENGTH)
    return { problem: `A topic name can be at most ${JOB_CONFIG.MAX_TOPIC_LENGTH} characters.` };
  return { name: tidy };
}
