/**
 * GET /api/local-auth/token: a fresh, short-lived RS256 JWT for Convex, minted
 * for the signed-in session (`iss` = LOCAL_AUTH_ISSUER or this origin,
 * `aud` = "convex", `sub` = the user id, `name`). 401 without a session.
 */
import { NextResponse, type NextRequest } from "next/server";
import { authMode, localAuthIssuer } from "@/app/_lib/runtime-env";
import { localSignInOff, NO_STORE } from "@/app/_lib/local-auth/request-guards";
import { mintConvexToken, readSession } from "@/app/_lib/local-auth/session";

export async function GET(request: NextRequest) {
  if (authMode() !== "local") return localSignInOff();
  const session = await readSession();
  if (!session) return NextResponse.json({ error: "Not signed in." }, { status: 401, headers: NO_STORE });
  const { token, expiresAt } = await mintConvexToken(session, localAuthIssuer(request.nextUrl.origin));
  return NextResponse.json({ token, expiresAt }, { headers: NO_STORE });
}
