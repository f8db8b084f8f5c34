/** `/`: review the questions that are due, one at a time; `?topic=` or `?job=` reviews only those. */
import type { Metadata } from "next";
import { ReviewSession } from "@/components/review/review-session";

export const metadata: Metadata = { title: "Review" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function ReviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { topic, job } = await searchParams;
  return <ReviewSession topic={firstValue(topic)} jobId={firstValue(job)} />;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}
