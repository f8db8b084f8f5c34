/**
 * Preload for local-convex's restart test (`--preload`): moves `Date.now()`
 * forward by `LOCAL_CONVEX_TEST_CLOCK_OFFSET_MS`, so the app's sweeper sees a
 * job's heartbeat as minutes old without the test waiting minutes.
 */
const offset = Number(process.env.LOCAL_CONVEX_TEST_CLOCK_OFFSET_MS ?? 0);
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + offset;
