import { defineApp } from "convex/server";
import rateLimiter from "@convex-dev/rate-limiter/convex.config.js";

const app = defineApp();
// Per-user token bucket on starting jobs (see JOB_CONFIG.RATE_LIMIT).
app.use(rateLimiter);

export default app;
