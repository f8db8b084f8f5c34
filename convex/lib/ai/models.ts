/**
 * The model seam: which language model a job runs on.
 *
 * 1. A test override (`setModelOverride`), used by the test suites, the
 *    scripted models of the end-to-end and fault tests, and the benchmark.
 * 2. Gemini (`gemini-2.5-flash`) when `GOOGLE_GENERATIVE_AI_API_KEY` is set
 *    (`GEMINI_BASE_URL` sends it elsewhere: a proxy, or the tests' stand-in).
 * 3. Any OpenAI-compatible server (a local Ollama, vLLM, LM Studio...) when
 *    `OPENAI_COMPATIBLE_BASE_URL` is set.
 * 4. The offline sample model, only when chosen (`ENABLE_SAMPLE_MODEL=1`,
 *    which offline `npm run dev` sets): no key, no network, clearly marked.
 * 5. Otherwise none: a deployment with no model configured fails each job at
 *    once with MODEL_NOT_CONFIGURED, and never serves sample questions.
 */
import { createGoogleGenerativeAI, type GoogleGenerativeAIProviderOptions } from "@ai-sdk/google";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { SharedV3ProviderOptions } from "@ai-sdk/provider";
import type { LanguageModel } from "ai";
import { JOB_CONFIG } from "../../../lib/constants/jobs";
import { readDeploymentEnv, type DeploymentEnv } from "../env";
import type { ModelKind } from "../../../lib/validators";
import { createSampleModel } from "./sampleModel";

export type ModelChoice = {
  kind: ModelKind;
  /** The model's name as shown in the UI, e.g. "gemini-2.5-flash". */
  name: string;
  model: LanguageModel;
  /** Retries of one model call by the AI SDK before the job fails. */
  maxRetries: number;
  /** Abort the stream after this long without a chunk (default
   * `JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS`; a slow local model may need more). */
  streamIdleTimeoutMs?: number;
  providerOptions?: SharedV3ProviderOptions;
};

let override: (() => ModelChoice) | null = null;

/** Replaces the model every job runs on (null restores the configured one).
 * For tests and tools that run the Convex functions in-process. */
export function setModelOverride(factory: (() => ModelChoice) | null): void {
  override = factory;
}

/** The model new jobs run on, or null when none is configured. */
export function chooseModel(env: DeploymentEnv = readDeploymentEnv()): ModelChoice | null {
  if (override) return override();
  if (env.GOOGLE_GENERATIVE_AI_API_KEY) {
    const name = env.GEMINI_MODEL || "gemini-2.5-flash";
    const google = createGoogleGenerativeAI({
      apiKey: env.GOOGLE_GENERATIVE_AI_API_KEY,
      ...(env.GEMINI_BASE_URL ? { baseURL: env.GEMINI_BASE_URL } : {}),
    });
    return {
      kind: "gemini",
      name,
      model: google(name),
      maxRetries: JOB_CONFIG.MODEL_MAX_RETRIES,
      // Questions need no long reasoning; without it the first one streams in about a second.
      providerOptions: {
        google: { thinkingConfig: { thinkingBudget: 0 } } satisfies GoogleGenerativeAIProviderOptions,
      },
    };
  }
  if (env.OPENAI_COMPATIBLE_BASE_URL) {
    const name = env.OPENAI_COMPATIBLE_MODEL || "llama3.1";
    const provider = createOpenAICompatible({
      name: "openai-compatible",
      baseURL: env.OPENAI_COMPATIBLE_BASE_URL,
      ...(env.OPENAI_COMPATIBLE_API_KEY ? { apiKey: env.OPENAI_COMPATIBLE_API_KEY } : {}),
      supportsStructuredOutputs: true,
      // Ask for `usage` on streamed answers (`stream_options.include_usage`): the job records its tokens.
      includeUsage: true,
    });
    const idle = Number(env.OPENAI_COMPATIBLE_IDLE_TIMEOUT_MS);
    return {
      kind: "openai-compatible",
      name,
      model: provider.chatModel(name),
      maxRetries: JOB_CONFIG.MODEL_MAX_RETRIES,
      ...(idle > 0 ? { streamIdleTimeoutMs: idle } : {}),
    };
  }
  if (isEnabled(env.ENABLE_SAMPLE_MODEL)) {
    return {
      kind: "sample",
      name: "offline sample model",
      model: createSampleModel(sampleModelPace(env)),
      maxRetries: 0,
    };
  }
  return null;
}

function isEnabled(flag: string | undefined): boolean {
  return flag === "1" || flag?.toLowerCase() === "true";
}

/** `SAMPLE_MODEL_CHUNK_DELAY_MS` slows or speeds the sample model (default: a realistic pace). */
function sampleModelPace(env: DeploymentEnv): { chunkDelayMs?: number } {
  const delay = env.SAMPLE_MODEL_CHUNK_DELAY_MS ? Number(env.SAMPLE_MODEL_CHUNK_DELAY_MS) : NaN;
  return Number.isFinite(delay) && delay >= 0 ? { chunkDelayMs: delay } : {};
}
