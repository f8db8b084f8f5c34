/**
 * GET /api/local-auth/jwks: the public key(s) Convex uses to verify local-auth
 * tokens (`convex/auth.config.ts`: jwks = `${LOCAL_AUTH_ISSUER}/api/local-auth/jwks`).
 */
import { connection, NextResponse } from "next/server";
import { getSigningKey } from "@/app/_lib/local-auth/keys";

export async function GET() {
  await connection(); // never prerendered: the key is made on first use, at run time
  const { publicJwk } = await getSigningKey();
  return NextResponse.json(
    { keys: [publicJwk] },
    { headers: { "Cache-Control": "public, max-age=60" } },
  );
}
