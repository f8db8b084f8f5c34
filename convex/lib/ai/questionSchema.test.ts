import { zodToConvex } from "convex-helpers/server/zod4";
import type { GenericValidator } from "convex/values";
import { expect, test } from "vitest";
import { vGeneratedQuestion } from "../../../lib/validators";
import { generatedQuestionSchema } from "./questionSchema";

/** A validator as Convex serializes it (what the schema and function specs hold). */
const serialized = (validator: GenericValidator) => (validator as unknown as { json: unknown }).json;

test("the model's zod contract has exactly the shape the database keeps", () => {
  expect(serialized(zodToConvex(generatedQuestionSchema))).toEqual(serialized(vGeneratedQuestion));
});
