/**
 * Redaction of secrets from text that leaves the model call: provider error
 * messages can echo the API key ("Incorrect API key provided: sk-…"), and such
 * text must reach neither a user nor a log in the clear.
 */
import { secretValues } from "./env";

/** Secret-looking tokens, whatever variable they came from. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{6,}/g, "sk-[redacted]"], // OpenAI-style keys
  [/\bAIza[0-9A-Za-z_-]{10,}/g, "AIza[redacted]"], // Google API keys
  [/\b(Bearer\s+)[^\s"',;]+/gi, "$1[redacted]"],
  [/([?&](?:key|api_key|apikey|access_token|token)=)[^&\s"']+/gi, "$1[redacted]"],
];

/** Shorter configured values are not replaced: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** `text` with every configured secret value and every secret-looking token replaced. */
export function redactSecrets(text: string, secrets: readonly string[] = secretValues()): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join("[redacted]");
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
