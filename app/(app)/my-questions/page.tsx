/** `/my-questions`: every question, newest first, filterable by topic or by job (`?topic=`, `?job=`). */
import type { Metadata } from "next";
import { MyQuestions } from "@/components/questions/my-questions";

export const metadata: Metadata = { title: "My Questions" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function MyQuestionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { topic, job } = await searchParams;
  return <MyQuestions topic={firstValue(topic)} jobId={firstValue(job)} />;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}
