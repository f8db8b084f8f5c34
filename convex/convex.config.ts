import { defineApp } from "convex/server";
import rateLimiter from "@convex-dev/rate-limiter/convex.config.js";
import { ENV_VARS } from "./lib/envVars";

// The environment variables the functions read, declared so a push validates
// and types them (see lib/envVars.ts).
const app = defineApp({ env: ENV_VARS });
// Per-user token bucket on starting jobs (see JOB_CONFIG.RATE_LIMIT).
app.use(rateLimiter);

export default app;
