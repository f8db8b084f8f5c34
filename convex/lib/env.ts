/**
 * The deployment's environment variables: the one place `convex/` reads them.
 *
 * Read from `process.env`, which Convex provides in every function and in
 * `auth.config.ts`, and never through `env` from `_generated/server`: on a
 * push the CLI regenerates that `env` with a type holding only the variables
 * the backend's analysis reports as declared in `convex.config.ts`
 * (`defineApp({ env })`, new in Convex 1.48, so an older self-hosted backend
 * reports none). Reading an undeclared name through it fails the CLI's
 * typecheck and stops the push (`scripts/convex-push/` proves the push; the
 * ESLint config forbids that import). Set each variable with
 * `npx convex env set NAME value`; the README lists them.
 */

/** Every variable the functions read, and what it does. */
export const ENV_VARS = {
  CLERK_JWT_ISSUER_DOMAIN: "Clerk issuer to trust (the Clerk \"convex\" JWT template)",
  LOCAL_AUTH_ISSUER: "the local development sign-in to trust (never in production)",
  GOOGLE_GENERATIVE_AI_API_KEY: "use Gemini",
  GEMINI_MODEL: "Gemini model name",
  GEMINI_BASE_URL: "Gemini API base URL (default Google's v1beta; a proxy, or the tests' stand-in)",
  OPENAI_COMPATIBLE_BASE_URL: "use an OpenAI-compatible server",
  OPENAI_COMPATIBLE_MODEL: "its model name",
  OPENAI_COMPATIBLE_API_KEY: "its API key",
  OPENAI_COMPATIBLE_IDLE_TIMEOUT_MS: "its stream idle timeout",
  SAMPLE_MODEL_CHUNK_DELAY_MS: "pace of the offline sample model",
} as const;

export type EnvVarName = keyof typeof ENV_VARS;
export type DeploymentEnv = Partial<Record<EnvVarName, string>>;

/** The deployment's variables (blank values count as unset). */
// The one place that reads process.env, on purpose (see the header).
// eslint-disable-next-line @convex-dev/no-process-env
export function readDeploymentEnv(source: Record<string, string | undefined> = process.env): DeploymentEnv {
  const env: DeploymentEnv = {};
  for (const name of Object.keys(ENV_VARS) as EnvVarName[]) {
    const value = source[name]?.trim();
    if (value) env[name] = value;
  }
  return env;
}
