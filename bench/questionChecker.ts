/**
 * `npm run bench:checker`: the question checker's cost against a learner with 10,000 owned
 * questions (pure code, this process). Prints a table and, run alone, writes nothing.
 *
 * The collection is generated (seeded, so runs compare): dense topics the way a real learner's
 * are (times tables, vocabulary lists, capitals, dates, true/false facts), plus the labelled
 * owned questions of `tests/fixtures/question-flaws/`. Each probe is looked up the way the
 * database would: its `DUPLICATE_BAND_COUNT` band keys, each an indexed equality read
 * returning the rows stored under it, then the candidates judged (`findQuestionFlaws`).
 *
 *   npm run bench:checker            # 10,000 owned, 2,000 fresh probes
 *   npm run bench:checker -- --quick # 2,000 owned, 400 fresh probes
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  DUPLICATE_BAND_COUNT,
  DUPLICATE_BAND_READ_LIMIT,
  DUPLICATE_CANDIDATE_LIMIT,
  DuplicateIndex,
  duplicateBandKeys,
} from "../lib/questionDuplicates";
import { findQuestionFlaws, type CheckableQuestion } from "../lib/questionFlaws";
import { markdownTable } from "../tests/support/markdownTable";
import { generateCollection } from "../tests/support/questionCollection";

type Question = CheckableQuestion & { id: string };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The checker against `owned` questions: time per checked question, documents a lookup
 * reads (band rows under `DUPLICATE_BAND_READ_LIMIT` per key, then at most `DUPLICATE_CANDIDATE_LIMIT`
 * candidates), and
 * duplicates found among labelled probes and paraphrases of the dense topics' questions.
 */
export function benchQuestionChecker({ owned: ownedCount, probes: freshCount }: { owned: number; probes: number }) {
  const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../tests/fixtures/question-flaws");
  const load = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), "utf8")) as Labelled[];
  type Labelled = Question & { expected: string[] };
  const labelledOwned = load("owned.json");
  const generated = generateCollection(ownedCount - labelledOwned.length, 1);
  // The labelled questions were added last: the newest rows, the last a capped read returns.
  const owned = [...generated.map((item) => item.question), ...labelledOwned];
  const labelledProbes = [...load("duplicates-tuning.json"), ...load("duplicates-held-out.json")];
  const paraphrases = generated
    .filter((_, i) => i % Math.ceil(generated.length / (freshCount / 4)) === 0)
    .map((item, i) => item.paraphrase(`paraphrase-${i}`));
  const fresh = generateCollection(freshCount, 2).map((item) => item.question);

  let started = performance.now();
  const index = new DuplicateIndex<Question>();
  for (const question of owned) index.add(question);
  const buildMs = performance.now() - started;

  const rowsUnder = new Map<string, number>();
  for (const question of owned) {
    for (const key of duplicateBandKeys(question)) rowsUnder.set(key, (rowsUnder.get(key) ?? 0) + 1);
  }
  const probes: Question[] = [...labelledProbes, ...paraphrases, ...fresh];
  const reads: number[] = [];
  const duplicateOf = new Map<Question, Question | null>();
  started = performance.now();
  for (const probe of probes) {
    const candidates = index.candidates(probe);
    const flaws = findQuestionFlaws(probe, { owned: candidates });
    duplicateOf.set(probe, flaws.some((flaw) => flaw.code === "DUPLICATE_QUESTION") ? probe : null);
  }
  const checkMs = performance.now() - started;
  for (const probe of probes) {
    const bandRows = duplicateBandKeys(probe).reduce(
      (rows, key) => rows + Math.min(DUPLICATE_BAND_READ_LIMIT, rowsUnder.get(key) ?? 0),
      0,
    );
    reads.push(bandRows + index.candidates(probe).length);
  }
  const flagged = (list: Question[]) => list.filter((probe) => duplicateOf.get(probe) !== null).length;
  const labelledDuplicates = labelledProbes.filter((probe) => probe.expected.includes("DUPLICATE_QUESTION"));
  const labelledOthers = labelledProbes.filter((probe) => !probe.expected.includes("DUPLICATE_QUESTION"));
  return {
    owned: owned.length,
    probes: probes.length,
    buildMs,
    perQuestionMs: checkMs / probes.length,
    indexReadsPerLookup: DUPLICATE_BAND_COUNT,
    documentsReadPerLookup: { mean: mean(reads), p95: percentile(reads, 95), max: Math.max(...reads) },
    largestBandKey: Math.max(...rowsUnder.values()),
    labelledDuplicatesFound: `${flagged(labelledDuplicates)} / ${labelledDuplicates.length}`,
    labelledFalseAlarms: `${flagged(labelledOthers)} / ${labelledOthers.length}`,
    denseParaphrasesFound: `${flagged(paraphrases)} / ${paraphrases.length}`,
    freshFlagged: `${flagged(fresh)} / ${fresh.length}`,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const result = benchQuestionChecker(values.quick ? { owned: 2_000, probes: 400 } : { owned: 10_000, probes: 2_000 });
  const spread = ({ mean, p95, max }: { mean: number; p95: number; max: number }) =>
    `${mean.toFixed(1)} / ${p95} / ${max}`;
  console.log(
    `\nQuestion checker against ${result.owned.toLocaleString("en-US")} owned questions (${result.probes} probes)\n` +
      markdownTable(
        ["measure", "value"],
        [
          ["time per checked question (all rules + duplicate lookup)", `${result.perQuestionMs.toFixed(3)} ms`],
          ["building the in-memory index of the collection (once)", `${Math.round(result.buildMs)} ms`],
          ["indexed reads per lookup (one per band key)", result.indexReadsPerLookup],
          [
            `documents read per lookup (≤ ${DUPLICATE_BAND_READ_LIMIT} rows a key, then ≤ ${DUPLICATE_CANDIDATE_LIMIT} candidates): mean / p95 / max`,
            spread(result.documentsReadPerLookup),
          ],
          ["rows under the most shared band key", result.largestBandKey],
          ["labelled duplicates found", result.labelledDuplicatesFound],
          ["labelled near-misses flagged (false alarms)", result.labelledFalseAlarms],
          ["paraphrases of dense-topic questions found", result.denseParaphrasesFound],
          ["fresh generated questions flagged (same fact drawn twice)", result.freshFlagged],
        ],
        { alignNumbers: true },
      ),
  );
}
