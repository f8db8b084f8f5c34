/**
 * POST /api/local-auth/sign-out: ends the local session for good (it is
 * revoked, so a copy of the cookie stops working) and clears the cookie.
 * JSON callers get `{ ok: true }`; a plain form post is sent to the sign-in page.
 * Like every local-auth route, 404 while the local sign-in is off.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE, SIGN_IN_PATH } from "@/app/_lib/local-auth/constants";
import { isFormPost, isSameOriginPost, localSignInOff, NO_STORE, seeOther } from "@/app/_lib/local-auth/request-guards";
import { signOutSession } from "@/app/_lib/local-auth/session";
import { authMode } from "@/app/_lib/runtime-env";

export async function POST(request: NextRequest) {
  if (authMode() !== "local") return localSignInOff();
  if (!isSameOriginPost(request)) {
    return NextResponse.json(
      { error: "Cross-site sign-out requests are not allowed." },
      { status: 403, headers: NO_STORE },
    );
  }
  await signOutSession(request.cookies.get(SESSION_COOKIE)?.value);
  const response = isFormPost(request)
    ? seeOther(SIGN_IN_PATH)
    : NextResponse.json({ ok: true }, { headers: NO_STORE });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
