/** The app's rate limits, on the `@convex-dev/rate-limiter` component. */
import { RateLimiter } from "@convex-dev/rate-limiter";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import { components } from "../_generated/api";

export const rateLimiter = new RateLimiter(components.rateLimiter, {
  /** Jobs a user starts (createJob and retryJob), keyed by user. */
  startJob: JOB_CONFIG.RATE_LIMIT,
});
