/**
 * Every environment variable the functions read, declared once.
 *
 * `convex/convex.config.ts` declares these (`defineApp({ env })`), so a
 * push validates them and types the `env` exported by `_generated/server`
 * with exactly these names: reading any other name fails the CLI's typecheck
 * and stops the push (`scripts/convex-push/` proves both). All are optional:
 * the app runs in a mode chosen by which ones are set (README, "Modes").
 * Set them with `npx convex env set NAME value`. This file imports nothing but
 * validators, because `convex.config.ts` is evaluated on its own.
 */
import { v } from "convex/values";

export const ENV_VARS = {
  /** The Clerk issuer to trust (Clerk's "convex" JWT template). */
  CLERK_JWT_ISSUER_DOMAIN: v.optional(v.string()),
  /** The local development sign-in to trust. Never set in production. */
  LOCAL_AUTH_ISSUER: v.optional(v.string()),
  /** Use Gemini (secret). */
  GOOGLE_GENERATIVE_AI_API_KEY: v.optional(v.string()),
  /** The Gemini model (default gemini-2.5-flash). */
  GEMINI_MODEL: v.optional(v.string()),
  /** The Gemini API's base URL (default Google's v1beta): a proxy, or the tests' stand-in. */
  GEMINI_BASE_URL: v.optional(v.string()),
  /** Use an OpenAI-compatible server (Ollama, vLLM, LM Studio...). */
  OPENAI_COMPATIBLE_BASE_URL: v.optional(v.string()),
  /** Its model (default llama3.1). */
  OPENAI_COMPATIBLE_MODEL: v.optional(v.string()),
  /** Its API key (secret). */
  OPENAI_COMPATIBLE_API_KEY: v.optional(v.string()),
  /** Its stream idle timeout in ms, for slow hardware. */
  OPENAI_COMPATIBLE_IDLE_TIMEOUT_MS: v.optional(v.string()),
  /** "1": run jobs on the offline sample model when no model is configured (development; offline `npm run dev` sets it). */
  ENABLE_SAMPLE_MODEL: v.optional(v.string()),
  /** The offline sample model's pace, in ms per chunk. */
  SAMPLE_MODEL_CHUNK_DELAY_MS: v.optional(v.string()),
  /** Attempts that may run at once across all users (default `DEFAULT_MAX_PARALLEL_GENERATIONS`). */
  MAX_PARALLEL_GENERATIONS: v.optional(v.string()),
  /** The model provider's requests per minute, shared by all users (default `DEFAULT_MODEL_REQUESTS_PER_MINUTE`). */
  MODEL_REQUESTS_PER_MINUTE: v.optional(v.string()),
  /** The model provider's tokens per minute, shared by all users (default `DEFAULT_MODEL_TOKENS_PER_MINUTE`). */
  MODEL_TOKENS_PER_MINUTE: v.optional(v.string()),
};

export type EnvVarName = keyof typeof ENV_VARS;

/** Values that must never reach a user or a log in the clear (`redactSecrets`). */
export const SECRET_ENV_VARS = [
  "GOOGLE_GENERATIVE_AI_API_KEY",
  "OPENAI_COMPATIBLE_API_KEY",
] as const satisfies readonly EnvVarName[];
