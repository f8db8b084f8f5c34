import { describe, expect, test } from "vitest";
import { gate, makeQuestions, questionSteps, scriptedModel } from "../../../tests/support/scriptedModels";
import { ModelAnswer, type AnswerStep } from "./generate";

async function readAll(answer: ModelAnswer): Promise<AnswerStep[]> {
  const steps: AnswerStep[] = [];
  for (;;) {
    const step = await answer.next(1000);
    steps.push(step);
    if (step.kind === "done") return steps;
  }
}

describe("ModelAnswer", () => {
  test("gives the growing partial answers, then done, and the whole answer", async () => {
    const questions = makeQuestions(2);
    const answer = new ModelAnswer(scriptedModel({ stream: questionSteps(questions) }), "prompt");
    const steps = await readAll(answer);
    expect(steps.at(-1)).toEqual({ kind: "done" });
    expect(steps.filter((s) => s.kind === "partial").length).toBeGreaterThan(1);
    expect(await answer.final()).toMatchObject({ questions });
    const usage = await answer.usage();
    expect(usage.estimated).toBe(true); // the scripted model reports no usage
    expect(usage.outputTokens).toBeGreaterThan(JSON.stringify(questions).length / 5);
  });

  test("says wait when nothing arrives within the deadline, then goes on", async () => {
    const hold = gate();
    const model = scriptedModel({
      stream: questionSteps(makeQuestions(2), { pauseAt: { index: 1, until: hold.promise } }),
    });
    const answer = new ModelAnswer(model, "prompt");
    let step: AnswerStep;
    do step = await answer.next(50);
    while (step.kind === "partial");
    expect(step).toEqual({ kind: "wait" });
    hold.open();
    expect((await readAll(answer)).at(-1)).toEqual({ kind: "done" });
  });

  test("abort ends the model's stream (its signal), and the estimate counts what came", async () => {
    const hold = gate();
    const model = scriptedModel({
      stream: questionSteps(makeQuestions(3), { pauseAt: { index: 2, until: hold.promise } }),
    });
    const answer = new ModelAnswer(model, "prompt");
    while ((await answer.next(50)).kind === "partial");
    answer.abort();
    answer.close();
    expect(model.calls.signals[0]!.aborted).toBe(true);
    expect(answer.estimatedUsage().outputTokens).toBeGreaterThan(0);
    hold.open();
  });

  test("a server that sends nothing at all is given up on after the idle timeout", async () => {
    const never = new Promise<void>(() => {});
    const model = scriptedModel({ stream: [{ until: never }], streamIdleTimeoutMs: 100 });
    const answer = new ModelAnswer(model, "prompt");
    const error = await (async () => {
      try {
        while ((await answer.next(1000)).kind !== "done");
        await answer.final(); // an aborted stream just ends; its answer is the error
        return null;
      } catch (caught) {
        return answer.failure(caught);
      }
    })();
    expect(model.calls.signals[0]!.aborted).toBe(true);
    expect(String(error)).toMatch(/No answer from the model within 100ms|abort/i);
  });
});
