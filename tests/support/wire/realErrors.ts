/**
 * Errors as the real Gemini provider (`@ai-sdk/google`) throws them, captured
 * from a stand-in over HTTP once per process, for scripted models that need
 * exact timing (`scriptedModels.ts`, convex-test) yet should fail with what
 * the SDK really produces rather than hand-built objects.
 *
 *   const errors = await captureRealErrors();
 *   scriptedModel({ intent: plan, stream: [{ error: errors.tooManyRequests }] });
 */
import { makeQuestions } from "../scriptedModels";
import { generateLikeProcessJob } from "./capture";
import { questionsReply, startProviderStandIn, wireChoice } from "./providers";
import type { Scenario } from "./standIn";

export type RealErrors = {
  /** 429 RESOURCE_EXHAUSTED: an `APICallError`, retryable. */
  tooManyRequests: Error;
  /** 400 API_KEY_INVALID (Gemini's answer to a bad key): an `APICallError`, not retryable. */
  badKey: Error;
  /** The socket destroyed mid-stream: `APICallError` status 200 ← `TypeError: terminated` ← `UND_ERR_SOCKET`. */
  connectionDropped: Error;
};

let captured: Promise<RealErrors> | undefined;

/** The errors, captured on first use (a stand-in lives for a few milliseconds). */
export function captureRealErrors(): Promise<RealErrors> {
  captured ??= capture();
  return captured;
}

async function capture(): Promise<RealErrors> {
  const scenarios: Record<keyof RealErrors, Scenario> = {
    tooManyRequests: { reply: "status", status: 429 },
    badKey: { reply: "status", status: 400 },
    connectionDropped: questionsReply(makeQuestions(1), { end: "drop" }),
  };
  const server = await startProviderStandIn("gemini");
  try {
    const choice = wireChoice("gemini", server, { maxRetries: 0 });
    const errors: Partial<RealErrors> = {};
    for (const [name, scenario] of Object.entries(scenarios) as Array<[keyof RealErrors, Scenario]>) {
      server.respond(() => scenario);
      const { error } = await generateLikeProcessJob(choice);
      if (!(error instanceof Error))
        throw new Error(`the stand-in's ${name} scenario produced no Error: ${String(error)}`);
      errors[name] = error;
    }
    return errors as RealErrors;
  } finally {
    await server.close();
  }
}
