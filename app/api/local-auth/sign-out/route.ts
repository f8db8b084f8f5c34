/**
 * POST /api/local-auth/sign-out: ends the local session for good (it is
 * revoked, so a copy of the cookie stops working) and clears the cookie.
 * JSON callers get `{ ok: true }`; a plain form post is sent to the sign-in page.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE, SIGN_IN_PATH } from "@/app/_lib/local-auth/constants";
import { isFormPost, isSameOriginPost, NO_STORE } from "@/app/_lib/local-auth/request-guards";
import { signOutSession } from "@/app/_lib/local-auth/session";

export async function POST(request: NextRequest) {
  if (!isSameOriginPost(request)) {
    return NextResponse.json(
      { error: "Cross-site sign-out requests are not allowed." },
      { status: 403, headers: NO_STORE },
    );
  }
  await signOutSession(request.cookies.get(SESSION_COOKIE)?.value);
  const response = isFormPost(request)
    ? NextResponse.redirect(new URL(SIGN_IN_PATH, request.url), 303)
    : NextResponse.json({ ok: true }, { headers: NO_STORE });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
