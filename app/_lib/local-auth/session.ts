/**
 * Local (development) sessions: a display name signed into an httpOnly cookie
 * as an RS256 JWT, and the short-lived tokens minted from it for Convex.
 *
 * The user id is derived from the display name (normalised, case-folded), so
 * signing in again with the same name, even after a restart, returns to the
 * same questions. That is what a dev sign-in wants, and why it is off unless
 * `ENABLE_LOCAL_SIGN_IN` is set, and labelled: anyone can sign in as any name.
 *
 * Sessions are honoured only while the local sign-in is on, last at most
 * `SESSION_TTL_SECONDS`, and end for good on sign-out (`revocations.ts`).
 */
import { createHash, randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { cookies } from "next/headers";
import {
  CONVEX_AUDIENCE,
  CONVEX_TOKEN_TTL_SECONDS,
  MAX_DISPLAY_NAME_LENGTH,
  SESSION_AUDIENCE,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
} from "./constants";
import { authMode } from "@/app/_lib/runtime-env";
import { getSigningKey } from "./keys";
import { isRevoked, revokeSession } from "./revocations";

/** `iss` of session cookies (not of Convex tokens, whose issuer is configurable). */
const SESSION_ISSUER = "question-jobs/local-auth";

export type LocalSession = { userId: string; name: string; sessionId: string; expiresAt: number };

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/** Trims and collapses whitespace; 1..40 visible characters. */
export function checkDisplayName(raw: unknown): NameCheck {
  const name = typeof raw === "string" ? raw.normalize("NFKC").replace(/\s+/g, " ").trim() : "";
  const length = [...name].length;
  if (length === 0) return { ok: false, message: "Enter a display name." };
  if (length > MAX_DISPLAY_NAME_LENGTH) {
    return { ok: false, message: `Keep the name under ${MAX_DISPLAY_NAME_LENGTH} characters.` };
  }
  return { ok: true, name };
}

/** A stable id for a display name: same name (any case), same user. */
export function localUserId(name: string): string {
  const digest = createHash("sha256")
    .update(`local-user:${name.toLocaleLowerCase("en-US")}`)
    .digest("base64url");
  return `local_${digest.slice(0, 22)}`;
}

export async function createSessionToken(name: string): Promise<string> {
  const key = await getSigningKey();
  return await new SignJWT({ name })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setSubject(localUserId(name))
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(key.privateKey);
}

/** The session in a cookie value, or null if it is missing, expired, forged, signed
 * by an old key, signed out, or the local sign-in is off. */
export async function verifySessionToken(token: string | undefined): Promise<LocalSession | null> {
  if (!token || authMode() !== "local") return null;
  try {
    const key = await getSigningKey();
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      algorithms: ["RS256"],
    });
    const name = typeof payload.name === "string" ? payload.name : null;
    if (!payload.sub || !name || !payload.jti || payload.exp === undefined) return null;
    if (await isRevoked(payload.jti)) return null;
    return { userId: payload.sub, name, sessionId: payload.jti, expiresAt: payload.exp };
  } catch {
    return null;
  }
}

/** Ends the session in a cookie value for good (a copy of the cookie stops working too). */
export async function signOutSession(token: string | undefined): Promise<void> {
  const session = await verifySessionToken(token);
  if (session) await revokeSession(session.sessionId, session.expiresAt);
}

/** The signed-in user of the current request (server components, route handlers). */
export async function readSession(): Promise<LocalSession | null> {
  const store = await cookies();
  return await verifySessionToken(store.get(SESSION_COOKIE)?.value);
}

/** A short-lived RS256 token Convex accepts through the `customJwt` provider. */
export async function mintConvexToken(
  session: LocalSession,
  issuer: string,
): Promise<{ token: string; expiresAt: number }> {
  const key = await getSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ name: session.name })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(CONVEX_AUDIENCE)
    .setSubject(session.userId)
    .setIssuedAt(now)
    .setExpirationTime(now + CONVEX_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
  return { token, expiresAt: (now + CONVEX_TOKEN_TTL_SECONDS) * 1000 };
}

export const sessionCookieOptions = (secure: boolean) =>
  ({
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
  }) as const;
