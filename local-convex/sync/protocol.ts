/**
 * The wire format of the official `convex` client's sync protocol (npm
 * `convex` 1.48): message shapes and the EncodedU64 timestamp encoding.
 * Reference: `../shared/notes/convex-sync-protocol.md` and
 * `node_modules/convex/dist/esm/browser/sync/protocol.js`.
 */
import type { JSONValue } from "convex/values";
import { functionNameTooLong } from "../engine/functionPath";
import { MAX_FUNCTION_NAME_LENGTH } from "../limits";

// ── Timestamps ──────────────────────────────────────────────────────────────

/** A u64 as the client sends and expects it: base64 (padded) of 8 little-endian bytes. */
export type EncodedU64 = string;

const U64_MAX = 2n ** 64n - 1n;

export function encodeU64(value: bigint): EncodedU64 {
  if (value < 0n || value > U64_MAX) throw new RangeError(`not a u64: ${value}`);
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes.toString("base64");
}

export function decodeU64(encoded: EncodedU64): bigint {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length !== 8) throw new Error(`Invalid EncodedU64: ${JSON.stringify(encoded)}`);
  return bytes.readBigUInt64LE();
}

// ── Client → server ─────────────────────────────────────────────────────────

export type ClientMessage =
  | {
      type: "Connect";
      sessionId: string;
      connectionCount: number;
      lastCloseReason: string | null;
      clientTs?: number;
      maxObservedTimestamp?: EncodedU64;
    }
  | {
      type: "Authenticate";
      baseVersion: number;
      tokenType: "User" | "Admin" | "None";
      value?: string;
      impersonating?: unknown;
    }
  | { type: "ModifyQuerySet"; baseVersion: number; newVersion: number; modifications: QuerySetModification[] }
  | { type: "Mutation"; requestId: number; udfPath: string; args: JSONValue[]; componentPath?: string }
  | { type: "Action"; requestId: number; udfPath: string; args: JSONValue[]; componentPath?: string }
  | { type: "Event"; eventType: string; event: unknown };

export type QuerySetModification =
  | {
      type: "Add";
      queryId: number;
      udfPath: string;
      args: JSONValue[];
      journal?: string | null;
      componentPath?: string;
    }
  | { type: "Remove"; queryId: number };

// ── Server → client ─────────────────────────────────────────────────────────

export type StateVersion = { querySet: number; identity: number; ts: bigint };

export type StateModification =
  | { type: "QueryUpdated"; queryId: number; value: JSONValue; logLines: string[]; journal: string | null }
  | {
      type: "QueryFailed";
      queryId: number;
      errorMessage: string;
      errorData?: JSONValue;
      logLines: string[];
      journal: string | null;
    }
  | { type: "QueryRemoved"; queryId: number };

export type ServerMessage =
  | { type: "Transition"; startVersion: StateVersion; endVersion: StateVersion; modifications: StateModification[] }
  | MutationResponse
  | ActionResponse
  | { type: "AuthError"; error: string; baseVersion: number; authUpdateAttempted: boolean }
  | { type: "FatalError"; error: string }
  | { type: "Ping" };

export type MutationResponse =
  | { type: "MutationResponse"; requestId: number; success: true; result: JSONValue; ts: bigint; logLines: string[] }
  | {
      type: "MutationResponse";
      requestId: number;
      success: false;
      result: string;
      errorData?: JSONValue;
      logLines: string[];
    };

export type ActionResponse =
  | { type: "ActionResponse"; requestId: number; success: true; result: JSONValue; logLines: string[] }
  | {
      type: "ActionResponse";
      requestId: number;
      success: false;
      result: string;
      errorData?: JSONValue;
      logLines: string[];
    };

/** The JSON text of a server message: bigint timestamps become EncodedU64. */
export function serializeServerMessage(message: ServerMessage): string {
  switch (message.type) {
    case "Transition":
      return JSON.stringify({
        ...message,
        startVersion: encodeVersion(message.startVersion),
        endVersion: encodeVersion(message.endVersion),
      });
    case "MutationResponse":
      return JSON.stringify(message.success ? { ...message, ts: encodeU64(message.ts) } : { ...message, ts: null });
    default:
      return JSON.stringify(message);
  }
}

/**
 * The JSON text of a Transition whose modifications are already JSON texts
 * (each subscription's result is serialized once, not once per socket).
 */
export function serializeTransition(
  startVersion: StateVersion,
  endVersion: StateVersion,
  modifications: string[],
): string {
  const versions = `"startVersion":${JSON.stringify(encodeVersion(startVersion))},"endVersion":${JSON.stringify(encodeVersion(endVersion))}`;
  return `{"type":"Transition",${versions},"modifications":[${modifications.join(",")}]}`;
}

function encodeVersion(version: StateVersion) {
  return { querySet: version.querySet, identity: version.identity, ts: encodeU64(version.ts) };
}

/** A well-formed message of a type this server does not know (a newer client?): ignored. */
export class UnknownMessageType extends Error {}

/**
 * Parses one client frame. Throws `UnknownMessageType` for an object with an
 * unknown `type`, and an error fit for a FatalError for anything malformed,
 * including a function name longer than `MAX_FUNCTION_NAME_LENGTH`.
 */
export function parseClientMessage(text: string): ClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new Error("Malformed message: not JSON");
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new Error("Malformed message: not an object");
  }
  const m = message as Record<string, unknown>;
  const isInt = (v: unknown) => Number.isSafeInteger(v);
  const ok = (() => {
    switch (m.type) {
      case "Connect":
        return typeof m.sessionId === "string" && isInt(m.connectionCount);
      case "Authenticate":
        return isInt(m.baseVersion) && ["User", "Admin", "None"].includes(m.tokenType as string);
      case "ModifyQuerySet":
        return isInt(m.baseVersion) && isInt(m.newVersion) && Array.isArray(m.modifications);
      case "Mutation":
      case "Action":
        return isInt(m.requestId) && typeof m.udfPath === "string" && Array.isArray(m.args);
      case "Event":
        return typeof m.eventType === "string";
      default:
        throw new UnknownMessageType(`Ignoring a message of unknown type ${JSON.stringify(m.type)}`);
    }
  })();
  if (!ok) throw new Error(`Malformed or unknown message: ${text.slice(0, 200)}`);
  // A name no function can have is not a mistake to answer but a client to stop (the official client never sends one).
  const names =
    m.type === "ModifyQuerySet"
      ? (m.modifications as Array<{ udfPath?: unknown } | null>).map((q) => q?.udfPath)
      : [m.udfPath];
  for (const name of names)
    if (typeof name === "string" && name.length > MAX_FUNCTION_NAME_LENGTH) throw new Error(functionNameTooLong(name));
  return m as ClientMessage;
}
