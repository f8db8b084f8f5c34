/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as addQuestions from "../addQuestions.js";
import type * as admission from "../admission.js";
import type * as aiGeneration from "../aiGeneration.js";
import type * as batches from "../batches.js";
import type * as crons from "../crons.js";
import type * as generationJobs from "../generationJobs.js";
import type * as generationQueue from "../generationQueue.js";
import type * as health from "../health.js";
import type * as jobTransitions from "../jobTransitions.js";
import type * as lib_ai_answerStream from "../lib/ai/answerStream.js";
import type * as lib_ai_generate from "../lib/ai/generate.js";
import type * as lib_ai_modelStream from "../lib/ai/modelStream.js";
import type * as lib_ai_models from "../lib/ai/models.js";
import type * as lib_ai_prompts from "../lib/ai/prompts.js";
import type * as lib_ai_questionSchema from "../lib/ai/questionSchema.js";
import type * as lib_ai_sampleModel from "../lib/ai/sampleModel.js";
import type * as lib_ai_sampleSourceQuestions from "../lib/ai/sampleSourceQuestions.js";
import type * as lib_ai_sourcePrompts from "../lib/ai/sourcePrompts.js";
import type * as lib_attemptCall from "../lib/attemptCall.js";
import type * as lib_batchSaver from "../lib/batchSaver.js";
import type * as lib_batching from "../lib/batching.js";
import type * as lib_cardIndex from "../lib/cardIndex.js";
import type * as lib_classifyError from "../lib/classifyError.js";
import type * as lib_env from "../lib/env.js";
import type * as lib_envVars from "../lib/envVars.js";
import type * as lib_functions from "../lib/functions.js";
import type * as lib_questionIntake from "../lib/questionIntake.js";
import type * as lib_questionListing from "../lib/questionListing.js";
import type * as lib_questionQuality from "../lib/questionQuality.js";
import type * as lib_questionRewrite from "../lib/questionRewrite.js";
import type * as lib_questionSignatures from "../lib/questionSignatures.js";
import type * as lib_questionSupport from "../lib/questionSupport.js";
import type * as lib_queue from "../lib/queue.js";
import type * as lib_redact from "../lib/redact.js";
import type * as lib_searchFields from "../lib/searchFields.js";
import type * as maintenance from "../maintenance.js";
import type * as manageQuestions from "../manageQuestions.js";
import type * as migrations from "../migrations.js";
import type * as myQuestions from "../myQuestions.js";
import type * as review from "../review.js";
import type * as settings from "../settings.js";
import type * as sources from "../sources.js";
import type * as statistics from "../statistics.js";
import type * as topics from "../topics.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";

declare const fullApi: ApiFromModules<{
  addQuestions: typeof addQuestions;
  admission: typeof admission;
  aiGeneration: typeof aiGeneration;
  batches: typeof batches;
  crons: typeof crons;
  generationJobs: typeof generationJobs;
  generationQueue: typeof generationQueue;
  health: typeof health;
  jobTransitions: typeof jobTransitions;
  "lib/ai/answerStream": typeof lib_ai_answerStream;
  "lib/ai/generate": typeof lib_ai_generate;
  "lib/ai/modelStream": typeof lib_ai_modelStream;
  "lib/ai/models": typeof lib_ai_models;
  "lib/ai/prompts": typeof lib_ai_prompts;
  "lib/ai/questionSchema": typeof lib_ai_questionSchema;
  "lib/ai/sampleModel": typeof lib_ai_sampleModel;
  "lib/ai/sampleSourceQuestions": typeof lib_ai_sampleSourceQuestions;
  "lib/ai/sourcePrompts": typeof lib_ai_sourcePrompts;
  "lib/attemptCall": typeof lib_attemptCall;
  "lib/batchSaver": typeof lib_batchSaver;
  "lib/batching": typeof lib_batching;
  "lib/cardIndex": typeof lib_cardIndex;
  "lib/classifyError": typeof lib_classifyError;
  "lib/env": typeof lib_env;
  "lib/envVars": typeof lib_envVars;
  "lib/functions": typeof lib_functions;
  "lib/questionIntake": typeof lib_questionIntake;
  "lib/questionListing": typeof lib_questionListing;
  "lib/questionQuality": typeof lib_questionQuality;
  "lib/questionRewrite": typeof lib_questionRewrite;
  "lib/questionSignatures": typeof lib_questionSignatures;
  "lib/questionSupport": typeof lib_questionSupport;
  "lib/queue": typeof lib_queue;
  "lib/redact": typeof lib_redact;
  "lib/searchFields": typeof lib_searchFields;
  maintenance: typeof maintenance;
  manageQuestions: typeof manageQuestions;
  migrations: typeof migrations;
  myQuestions: typeof myQuestions;
  review: typeof review;
  settings: typeof settings;
  sources: typeof sources;
  statistics: typeof statistics;
  topics: typeof topics;
}>;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {
  rateLimiter: import("@convex-dev/rate-limiter/_generated/component.js").ComponentApi<"rateLimiter">;
};
