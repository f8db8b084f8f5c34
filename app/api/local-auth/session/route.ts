/**
 * POST /api/local-auth/session: signs in with a display name (local dev mode).
 * JSON `{ name }` answers JSON; a plain form post (`name`, `next`) is
 * redirected to `next`. Sets the httpOnly session cookie.
 * GET answers who is signed in (`{ user }`), or 401.
 */
import { NextResponse, type NextRequest } from "next/server";
import { authMode } from "@/app/_lib/runtime-env";
import { safeNextPath, SESSION_COOKIE, SIGN_IN_PATH } from "@/app/_lib/local-auth/constants";
import {
  isFormPost,
  isHttps,
  isSameOriginPost,
  localSignInOff,
  NO_STORE,
  seeOther,
} from "@/app/_lib/local-auth/request-guards";
import { checkDisplayName, createSessionToken, readSession, sessionCookieOptions } from "@/app/_lib/local-auth/session";

export async function GET() {
  if (authMode() !== "local") return localSignInOff();
  const session = await readSession();
  if (!session) return NextResponse.json({ user: null }, { status: 401, headers: NO_STORE });
  return NextResponse.json({ user: { id: session.userId, name: session.name } }, { headers: NO_STORE });
}

export async function POST(request: NextRequest) {
  if (authMode() !== "local") return localSignInOff();
  if (!isSameOriginPost(request)) {
    return NextResponse.json(
      { error: "Cross-site sign-in requests are not allowed." },
      { status: 403, headers: NO_STORE },
    );
  }
  const form = isFormPost(request);
  const input = form ? await readForm(request) : await readJson(request);
  const next = safeNextPath(input.next);
  const checked = checkDisplayName(input.name);

  if (!checked.ok) {
    if (form) {
      const back = new URLSearchParams({ error: checked.message, ...(next !== "/" ? { next } : {}) });
      return seeOther(`${SIGN_IN_PATH}?${back.toString()}`);
    }
    return NextResponse.json({ error: checked.message }, { status: 400, headers: NO_STORE });
  }

  const token = await createSessionToken(checked.name);
  const response = form
    ? seeOther(next)
    : NextResponse.json({ user: { name: checked.name }, next }, { headers: NO_STORE });
  response.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(isHttps(request)));
  return response;
}

type SignInInput = { name?: unknown; next?: string | null };

async function readJson(request: NextRequest): Promise<SignInInput> {
  try {
    const body: unknown = await request.json();
    if (typeof body !== "object" || body === null) return {};
    const { name, next } = body as { name?: unknown; next?: unknown };
    return { name, next: typeof next === "string" ? next : null };
  } catch {
    return {};
  }
}

async function readForm(request: NextRequest): Promise<SignInInput> {
  try {
    const data = await request.formData();
    const next = data.get("next");
    return { name: data.get("name"), next: typeof next === "string" ? next : null };
  } catch {
    return {};
  }
}
