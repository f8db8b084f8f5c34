/**
 * Signed-out local sessions: sign-out records the session's id (`jti`) here
 * until the session would have expired anyway, and `verifySessionToken`
 * refuses any session listed, so a copied cookie dies with its sign-out.
 *
 * Kept in `.local/auth/revoked-sessions.json` (0600, next to the signing key)
 * so every server process and every restart agrees. Entries are pruned once
 * past their expiry, which `SESSION_TTL_SECONDS` bounds, so the file stays small.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { keyDirectory } from "./keys";

/** Session id → when it expires (seconds since the epoch). */
type Revoked = Record<string, number>;

function revocationFile(): string {
  return path.join(keyDirectory(), "revoked-sessions.json");
}

let cache: { mtimeMs: number; revoked: Revoked } | null = null;

async function load(): Promise<Revoked> {
  const file = revocationFile();
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
  } catch {
    return {};
  }
  if (cache?.mtimeMs === mtimeMs) return cache.revoked;
  try {
    const revoked = JSON.parse(await readFile(file, "utf8")) as Revoked;
    cache = { mtimeMs, revoked };
    return revoked;
  } catch {
    return cache?.revoked ?? {};
  }
}

/** Whether the session `jti` was signed out. */
export async function isRevoked(jti: string): Promise<boolean> {
  return (await load())[jti] !== undefined;
}

let writing: Promise<void> = Promise.resolve();

/** Signs the session `jti` (valid until `expiresAt`, in seconds) out for good. */
export function revokeSession(jti: string, expiresAt: number): Promise<void> {
  writing = writing.then(async () => {
    const now = Math.floor(Date.now() / 1000);
    const kept = Object.entries(await load()).filter(([, expiry]) => expiry > now);
    const revoked: Revoked = { ...Object.fromEntries(kept), [jti]: expiresAt };
    const file = revocationFile();
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(revoked), { mode: 0o600 });
    await rename(temp, file);
    cache = null;
  });
  return writing;
}
