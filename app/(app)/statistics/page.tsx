/** `/statistics`: reviews per day, retention, the due forecast, the calendar heatmap, and study settings. */
import type { Metadata } from "next";
import { Statistics } from "@/components/statistics/statistics";

export const metadata: Metadata = { title: "Statistics" };

export default function StatisticsPage() {
  return <Statistics />;
}
