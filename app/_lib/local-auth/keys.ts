/**
 * The RS256 key pair of the local sign-in: generated with `jose` on first use
 * and kept in `.local/auth/signing-key.json` (git-ignored), so tokens stay
 * valid across restarts and every server process signs with the same key.
 *
 * Concurrent first requests (in one process or several) end up with one key:
 * in-process they share one promise; across processes each writes its
 * candidate to a temp file and `link`s it into place, which fails if the file
 * already exists, and everyone then reads the winner.
 */
import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";

const ALGORITHM = "RS256";

export type SigningKey = {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half as published at `/api/local-auth/jwks`. */
  publicJwk: JWK;
};

type KeyFile = { kid: string; privateJwk: JWK; createdAt: string };

export function keyDirectory(): string {
  return path.join(/* turbopackIgnore: true */ process.cwd(), ".local", "auth");
}

let signingKey: Promise<SigningKey> | null = null;

export function getSigningKey(): Promise<SigningKey> {
  signingKey ??= loadOrCreateKey().catch((error: unknown) => {
    signingKey = null; // let the next request try again
    throw error;
  });
  return signingKey;
}

async function loadOrCreateKey(): Promise<SigningKey> {
  const dir = keyDirectory();
  const file = path.join(dir, "signing-key.json");
  const existing = await readKeyFile(file);
  if (existing) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true, modulusLength: 2048 });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  const candidate: KeyFile = { kid, privateJwk, createdAt: new Date().toISOString() };
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(candidate, null, 2), { mode: 0o600 });
  try {
    await link(temp, file); // atomic, and fails if another process got there first
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const winner = await readKeyFile(file);
  if (!winner) throw new Error(`Local auth: could not read ${file} after creating it.`);
  return winner;
}

async function readKeyFile(file: string): Promise<SigningKey | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isErrno(error, "ENOENT")) return null;
    throw error;
  }
  try {
    const { kid, privateJwk } = JSON.parse(text) as KeyFile;
    const publicJwk = toPublicJwk(privateJwk);
    const [privateKey, publicKey] = await Promise.all([
      importJWK(privateJwk, ALGORITHM) as Promise<CryptoKey>,
      importJWK(publicJwk, ALGORITHM) as Promise<CryptoKey>,
    ]);
    return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, alg: ALGORITHM, use: "sig" } };
  } catch (error) {
    throw new Error(
      `Local auth: ${file} is not a valid key file (${String(error)}). Delete it to generate a new key; everyone will have to sign in again.`,
    );
  }
}

/** The public members of an RSA JWK. */
function toPublicJwk({ kty, n, e }: JWK): JWK {
  return { kty, n, e };
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
