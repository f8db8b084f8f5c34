/**
 * A bar chart (recharts) of one value per day, optionally stacked, with its
 * data as a table for screen readers and anyone who prefers numbers ("Show as
 * a table"). The drawing is hidden from assistive technology: the caption
 * and the table say what it shows. Imported only by the statistics page, so
 * recharts stays out of every other page's JavaScript.
 */
"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ChartSeries<Row> = { key: keyof Row & string; label: string; color: string };

type DayBarChartProps<Row extends { label: string }> = {
  rows: Row[];
  series: ChartSeries<Row>[];
  /** What the table's first column holds. */
  rowHeader: string;
  height?: number;
};

export function DayBarChart<Row extends { label: string }>({
  rows,
  series,
  rowHeader,
  height = 220,
}: DayBarChartProps<Row>) {
  return (
    <>
      {series.length > 1 && (
        <p aria-hidden="true" className="mb-1 flex justify-end gap-3 text-xs text-muted-foreground">
          {series.map(({ key, label, color }) => (
            <span key={key} className="inline-flex items-center gap-1.5">
              <span className="size-2.5 rounded-[2px]" style={{ background: color }} />
              {label}
            </span>
          ))}
        </p>
      )}
      <div aria-hidden="true" className="text-xs" style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 8, right: 4, bottom: 0, left: -20 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--color-border)" />
            <XAxis
              dataKey="label"
              tickLine={false}
              axisLine={false}
              interval="preserveStartEnd"
              minTickGap={16}
              tick={{ fill: "var(--color-muted-foreground)" }}
            />
            <YAxis
              allowDecimals={false}
              tickLine={false}
              axisLine={false}
              tick={{ fill: "var(--color-muted-foreground)" }}
            />
            <Tooltip
              cursor={{ fill: "var(--color-muted)" }}
              contentStyle={{
                background: "var(--color-popover)",
                border: "1px solid var(--color-border)",
                borderRadius: 8,
                color: "var(--color-popover-foreground)",
              }}
            />
            {series.map(({ key, label, color }, index) => (
              <Bar
                key={key}
                dataKey={String(key)}
                name={label}
                stackId="day"
                fill={color}
                radius={index === series.length - 1 ? [3, 3, 0, 0] : 0}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <DataTable
        rowHeader={rowHeader}
        columns={series.map(({ label }) => label)}
        rows={rows.map((row) => ({ label: row.label, values: series.map(({ key }) => String(row[key])) }))}
      />
    </>
  );
}

/** "Show as a table": the numbers behind a chart. */
export function DataTable({
  rowHeader,
  columns,
  rows,
}: {
  rowHeader: string;
  columns: string[];
  rows: { label: string; values: string[] }[];
}) {
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer rounded-md font-medium text-primary select-none">Show as a table</summary>
      <div
        className="mt-2 max-h-72 overflow-y-auto rounded-lg border border-border"
        tabIndex={0}
        role="region"
        aria-label={`${rowHeader} table`}
      >
        <table className="w-full text-left tabular-nums">
          <thead className="sticky top-0 bg-muted">
            <tr>
              <th scope="col" className="px-3 py-1.5 font-medium">
                {rowHeader}
              </th>
              {columns.map((column) => (
                <th key={column} scope="col" className="px-3 py-1.5 text-right font-medium">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ label, values }) => (
              <tr key={label} className="border-t border-border">
                <th scope="row" className="px-3 py-1 font-normal">
                  {label}
                </th>
                {values.map((value, i) => (
                  <td key={columns[i]} className="px-3 py-1 text-right">
                    {value}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
