/** `/my-questions`: every question, searchable, filtered and ordered by the URL (`?q=&show=&sort=&topic=&job=`). */
import type { Metadata } from "next";
import { MyQuestions } from "@/components/questions/my-questions";
import { viewFromParams } from "@/lib/questionFilters";

export const metadata: Metadata = { title: "My Questions" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function MyQuestionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const first = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
  );
  return <MyQuestions view={viewFromParams(first)} />;
}
