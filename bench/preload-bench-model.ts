/** `--preload` for the benchmark's backend: every job runs on the benchmark
 * model, whose events go to the benchmark over the IPC channel. */
import { setModelOverride } from "../convex/lib/ai/models";
import { createBenchModel } from "./benchModel";

const model = createBenchModel((event) => process.send?.({ type: "bench", event }));
setModelOverride(() => model);
