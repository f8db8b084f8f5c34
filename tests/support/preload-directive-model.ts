/**
 * `--preload` for local-convex in the end-to-end, fault and benchmark suites:
 * every job runs on the directive model (`directiveModel.ts`: the real
 * OpenAI-compatible provider against a stand-in server started here, in the
 * backend's process), and the backend's clock can be moved forward over IPC
 * (`backend.process.send({ type: "test-clock", offsetMs })`), so the sweeper
 * sees a job's heartbeat as minutes old without a test waiting minutes.
 */
import { setModelOverride } from "../../convex/lib/ai/models";
import { startDirectiveModel } from "./directiveModel";

const { choice } = await startDirectiveModel();
setModelOverride(() => choice);

let offsetMs = Number(process.env.TEST_CLOCK_OFFSET_MS ?? 0);
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + offsetMs;
process.on("message", (message: { type?: string; offsetMs?: number }) => {
  if (message?.type === "test-clock" && typeof message.offsetMs === "number") offsetMs = message.offsetMs;
});
