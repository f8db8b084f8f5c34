/**
 * Redaction of secrets from text that leaves the model call: provider error
 * messages can echo the API key ("Incorrect API key provided: sk-…"), and such
 * text must reach neither a user nor a log in the clear, in whatever spelling
 * the provider or a library echoes it.
 */
import { secretValues } from "./env";

/** Secret-looking tokens, whatever variable they came from (any case). */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{6,}/gi, "sk-[redacted]"], // OpenAI-style keys
  [/\bAIza[0-9A-Za-z_-]{10,}/gi, "AIza[redacted]"], // Google API keys
  [/\b(Bearer\s+)[^\s"',;]+/gi, "$1[redacted]"],
  [
    /((?:[?&]|%3F|%26)(?:key|api_key|apikey|api-key|access_token|token)(?:=|%3D))(?:[^&\s"'%]|%(?!26))+/gi,
    "$1[redacted]",
  ],
];

/** Shorter configured values are not replaced: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** What may sit between the pieces of a split secret: white space, quotes, `+` (string concatenation), commas, an escaped line break. */
const SPLIT = String.raw`(?:[\s"'\x60+,]|\\[nrt])*`;

/** A run of base64 or base64url text. */
const BASE64_CHARS = "A-Za-z0-9+/_-";

/**
 * `text` with every configured secret value and every secret-looking token
 * replaced. A configured value is found in any letter case, URL-encoded
 * (`%2D` or `%2d`, wholly or in part), split by white space, quotes, `+` or
 * escaped line breaks, and base64- or base64url-encoded, alone or inside a
 * longer encoded string (`Basic base64(user:key)`).
 */
export function redactSecrets(text: string, secrets: readonly string[] = secretValues()): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    result = result.replace(spelledPattern(secret), "[redacted]");
    for (const pattern of base64Patterns(secret)) result = result.replace(pattern, "[redacted]");
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** `secret` in any case, each character as itself or URL-encoded, with separators allowed between characters. */
function spelledPattern(secret: string): RegExp {
  const characters = Array.from(secret).map((character) => {
    const encoded = Array.from(new TextEncoder().encode(character), (byte) => `%${byte.toString(16).padStart(2, "0")}`);
    return `(?:${escapeRegExp(character)}|${encoded.join("")})`;
  });
  return new RegExp(characters.join(SPLIT), "gi");
}

/**
 * The base64 and base64url spellings of `secret` at each of the three byte
 * alignments it can have inside a longer encoded value: the characters that
 * depend on the secret's bytes alone, matched with the whole encoded run
 * around them.
 */
function base64Patterns(secret: string): RegExp[] {
  const bytes = new TextEncoder().encode(secret);
  const patterns: RegExp[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = btoa(String.fromCharCode(...padded));
    const core = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor((padded.length * 8) / 6));
    for (const spelling of new Set([core, core.replace(/\+/g, "-").replace(/\//g, "_")])) {
      patterns.push(new RegExp(`[${BASE64_CHARS}]*${escapeRegExp(spelling)}[${BASE64_CHARS}]*=*`, "g"));
    }
  }
  return patterns;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
