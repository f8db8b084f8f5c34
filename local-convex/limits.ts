/**
 * Every resource limit of local-convex, in one place, each with the reason
 * for its value. A limit that is hit gives the offending client a clear
 * error (or closes only its socket); other clients never notice.
 * `README.md` lists them as a table.
 */

// ── Requests ────────────────────────────────────────────────────────────────

/** Largest WebSocket frame: Convex's own cap on a transaction's data and on
 * an HTTP body is 16 MiB, so nothing legitimate is bigger. A larger frame
 * closes the socket (1009) as soon as its header arrives, before it is read. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Largest HTTP request body, for the same reason as `MAX_FRAME_BYTES`. */
export const MAX_HTTP_BODY_BYTES = 16 * 1024 * 1024;

/** Longest function name a client may call or subscribe to. Real paths are
 * `module/path:export`, well under 200 characters; a longer one is refused
 * before it is looked up, logged or stored (over the WebSocket it is a
 * protocol violation: FatalError, and the socket closes). */
export const MAX_FUNCTION_NAME_LENGTH = 1024;

/** How much of a refused function name an error message repeats (the rest is
 * replaced by "…"), so a huge name never travels back or into logs. */
export const FUNCTION_NAME_IN_ERRORS = 120;

// ── Per socket and per session ──────────────────────────────────────────────

/** Queries one socket may have subscribed. The app's pages use about ten, a
 * long paginated list one per page loaded; beyond this, each further query
 * gets a QueryFailed instead of a subscription. */
export const MAX_QUERIES_PER_SOCKET = 1000;

/** Mutations and actions one session may have waiting for their answer. The
 * official client sends them as the user acts (a handful at a time); more are
 * answered at once with an error, without running. */
export const MAX_PENDING_REQUESTS_PER_SESSION = 64;

/** Frames one socket may have received and not yet handled: beyond this the
 * backend stops reading from it (TCP backpressure) until it catches up, so a
 * fast sender holds at most this many frames in memory. */
export const MAX_QUEUED_FRAMES_PER_SOCKET = 32;

/** The same in bytes: the app's frames are a few kB, so only a client
 * sending big frames quickly gets paused (after the frame that crossed the
 * line, which may be up to `MAX_FRAME_BYTES`). */
export const MAX_QUEUED_BYTES_PER_SOCKET = 4 * 1024 * 1024;

/** The same for all sockets together: whatever the number of senders, frames
 * waiting to be handled take about this much memory (plus the frames in
 * progress when it was reached). */
export const MAX_QUEUED_BYTES_TOTAL = 2 * MAX_FRAME_BYTES;

/** Frames from this size are decoded one at a time across all sockets
 * (a 16 MiB frame takes tens of ms and a few times its size to decode);
 * the app's own frames are a few kB. */
export const LARGE_FRAME_BYTES = 1024 * 1024;

// ── Memory: output and query results ────────────────────────────────────────

/** Output a socket may have waiting to be written (checked before a
 * Transition is built): a client that does not read (or reads slowly) gets
 * no further Transition until it has caught up, so what the backend holds
 * for it stays bounded; meanwhile its queries' results coalesce to the
 * newest (a subscription keeps only its latest result). A page's
 * Transitions are a few kB. A socket with nothing waiting may always get
 * one Transition, which `MAX_RESULT_BYTES_PER_SOCKET` bounds. */
export const MAX_UNSENT_BYTES_PER_SOCKET = MAX_FRAME_BYTES / 2;

/** The same for all the sockets (and HTTP responses) of one client: one user
 * on 40 sockets that never read holds about this much more than the one
 * Transition each may get (which `MAX_RESULT_BYTES_PER_CLIENT` bounds in
 * all), not 40 times as much. */
export const MAX_UNSENT_BYTES_PER_CLIENT = 2 * MAX_UNSENT_BYTES_PER_SOCKET;

/** The same for all clients together (a socket with nothing waiting may
 * still get a Transition, so one client's backlog never stops another's). */
export const MAX_UNSENT_BYTES_TOTAL = 128 * 1024 * 1024;

/** The largest result one query may have; a larger one is a QueryFailed
 * (`QueryResultTooLarge`) for the clients that subscribe to it (over HTTP, an
 * error). The app's pages are a few kB to ~100 kB; a result must also fit in
 * one socket's `MAX_RESULT_BYTES_PER_SOCKET`. */
export const MAX_QUERY_RESULT_BYTES = 8 * 1024 * 1024;

/** The query results one socket may hold (as sent: its copy of each), which
 * also bounds any one Transition: a query whose result would take the socket
 * past it gets a QueryFailed (`TooMuchData`) instead, on that socket only,
 * until it is subscribed again. */
export const MAX_RESULT_BYTES_PER_SOCKET = MAX_QUERY_RESULT_BYTES;

/** The same for all the sockets of one client (a user's tabs). */
export const MAX_RESULT_BYTES_PER_CLIENT = 4 * MAX_RESULT_BYTES_PER_SOCKET;

/** The backend's memory ceiling by default (`--max-memory`; `memory.ts`):
 * past `MEMORY_SHED_AT` of it (resident memory, sampled every
 * `MEMORY_CHECK_MS`), the client holding the most (output not yet written,
 * query results) has its sockets closed, if it holds at least
 * 1/`MEMORY_SHED_MIN_SHARE` of the ceiling; then no other for
 * `MEMORY_SHED_COOLDOWN_MS`. The per-client limits keep a backend with a few
 * busy clients far below it. */
export const DEFAULT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;
export const MEMORY_CHECK_MS = 500;
export const MEMORY_SHED_AT = 0.9;
export const MEMORY_SHED_MIN_SHARE = 64;
export const MEMORY_SHED_COOLDOWN_MS = 5000;

// ── Per client ──────────────────────────────────────────────────────────────

/** Sockets one client (`clients.ts`: a signed-in identity, or an address for
 * sockets not signed in) may have open: a tab is one socket, so far above
 * any use; one more is closed (1013, `TooManySockets`; the official client
 * tries again later). */
export const MAX_SOCKETS_PER_CLIENT = 64;

/** A socket belongs to a client once it signs in, sends a query or a call,
 * or has been open this long (then, signed out, to its address): the
 * official client signs in as soon as it has a token. */
export const IDENTIFY_WITHIN_MS = 10_000;

/** Sockets of one address not yet identified: past this, the oldest of them
 * is closed to let a new one in, if it has had `SIGN_IN_GRACE_MS` to sign in
 * (otherwise the new one is refused, 503), so idle sockets opened in bursts
 * cannot pile up, and cannot push out a socket about to sign in. */
export const MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS = 512;
export const SIGN_IN_GRACE_MS = 2000;

/** Sockets open at once, all clients together: a last bound on memory (an
 * idle socket holds a few kB), never reached by one client (each is at its
 * own caps long before). */
export const MAX_OPEN_SOCKETS = 4000;

/** HTTP requests one client may have in progress (from its body being read
 * to its response being written out); more get 429. A request counts only
 * once its body has arrived, so a client sending slowly holds nothing of
 * anybody else's. ConvexHttpClient sends mutations one at a time; a page
 * render sends a few queries in parallel. */
export const MAX_HTTP_REQUESTS_PER_CLIENT = 32;

/** Large HTTP bodies (from `LARGE_FRAME_BYTES`) one client may be sending at
 * once, in bytes received so far: a request that would take it past gets
 * 503 (small bodies are never refused). */
export const MAX_HTTP_BODY_BYTES_PER_CLIENT = 2 * MAX_HTTP_BODY_BYTES;

/** How long a client may take to send an HTTP request's headers, and the
 * whole request: a client that trickles them (slowloris) is cut off. */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;

// ── Fair scheduling ─────────────────────────────────────────────────────────

/** How long a loop over one client's queued work (its frames, a round of
 * subscriptions) may keep the event loop before letting other I/O in: short
 * enough that a bystander's message waits at most a few slices. */
export const TIME_SLICE_MS = 10;

/** How long one round of re-running subscriptions may hold the database before
 * letting queued mutations in: a client with thousands of subscriptions is
 * served in rounds, while everybody else's queries run in the first one. */
export const SUBSCRIPTION_ROUND_BUDGET_MS = 10;

// ── Mutation results kept for deduplication ─────────────────────────────────

/** How long a mutation's result is kept to answer a re-sent request: the
 * client re-sends unanswered mutations when it reconnects, within seconds. */
export const MUTATION_LOG_TTL_MS = 10 * 60_000;

/** Results kept per session (the oldest go first): a client re-sends only the
 * mutations still pending on its side, which `MAX_PENDING_REQUESTS_PER_SESSION` bounds. */
export const MUTATION_LOG_MAX_PER_SESSION = 256;

/** Results kept in all, so the log (and the data file that stores it) stays
 * small whatever the clients do; the oldest go first. */
export const MUTATION_LOG_MAX_ENTRIES = 10_000;

/** Longest error message stored in a result; the client gets the whole
 * message the first time, a re-send the shortened one. */
export const MUTATION_LOG_MAX_ERROR_LENGTH = 2000;

// ── Tokens ──────────────────────────────────────────────────────────────────

/** The furthest a token's expiry (`exp`) may be: a token cannot be revoked, so
 * whoever copies one can use it until then. Sign-in providers issue tokens for
 * minutes to an hour (the local sign-in's live 5 minutes, Clerk's 1); a token
 * without `exp`, or one past this, is refused. */
export const MAX_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;

/** Verified tokens remembered until they expire, so a client's repeated calls
 * do not pay for a signature check each (the local sign-in's tokens live 5 minutes). */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 1000;

// ── Durability ──────────────────────────────────────────────────────────────

/** Compaction: a new snapshot is written this long after the first commit
 * not in it (or sooner, see below), then the journal is cut. */
export const COMPACT_DEBOUNCE_MS = 250;
export const COMPACT_MAX_DELAY_MS = 2000;

/** On big data, compactions are spaced out so that writing snapshots takes at
 * most about 1 / `COMPACT_SPACING_FACTOR` of the time. */
export const COMPACT_SPACING_FACTOR = 5;

/** A journal this big is compacted without waiting for the debounce, so
 * startup never replays more than about this much. */
export const COMPACT_JOURNAL_BYTES = 8 * 1024 * 1024;

/** While the disk refuses writes (full), how often the backend tries to save
 * again: writes are refused with a coded error meanwhile, and taken again
 * within this long of space being freed. */
export const STORAGE_RETRY_MS = 1000;
