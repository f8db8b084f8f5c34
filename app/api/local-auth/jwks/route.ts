/**
 * GET /api/local-auth/jwks: the public key(s) Convex uses to verify local-auth
 * tokens (`convex/auth.config.ts`: jwks = `${LOCAL_AUTH_ISSUER}/api/local-auth/jwks`).
 * Served only while the local sign-in is on.
 */
import { connection, NextResponse } from "next/server";
import { getSigningKey } from "@/app/_lib/local-auth/keys";
import { localSignInOff } from "@/app/_lib/local-auth/request-guards";
import { authMode } from "@/app/_lib/runtime-env";

export async function GET() {
  await connection(); // never prerendered: the key is made on first use, at run time
  if (authMode() !== "local") return localSignInOff();
  const { publicJwk } = await getSigningKey();
  return NextResponse.json({ keys: [publicJwk] }, { headers: { "Cache-Control": "public, max-age=60" } });
}
