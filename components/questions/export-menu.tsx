/** "Export" for the current My Questions view (or the matches of a search): CSV, or a tab-separated file for
 * Anki's "Import File". */
"use client";

import { Download } from "lucide-react";
import { useExportQuestions } from "@/hooks/use-export-questions";
import type { QuestionView } from "@/lib/questionFilters";
import type { QuestionDoc } from "@/lib/validators";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Spinner } from "@/components/ui/spinner";

type ExportMenuProps = {
  view: QuestionView;
  /** The questions to export instead of the view's (a search's matches, all in hand). */
  questions?: QuestionDoc[];
  viewName?: string;
};

export function ExportMenu({ view, questions, viewName }: ExportMenuProps) {
  const { exportQuestions, exporting } = useExportQuestions();
  const filter = questions ?? view;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        {/* Not disabled while exporting: a trigger disabled as its non-modal menu closes never opens it again (Radix). */}
        <Button variant="secondary" aria-busy={exporting}>
          {exporting ? <Spinner /> : <Download aria-hidden="true" />} Export
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuItem disabled={exporting} onSelect={() => void exportQuestions("csv", filter, viewName)}>
          CSV (spreadsheet)
        </DropdownMenuItem>
        <DropdownMenuItem disabled={exporting} onSelect={() => void exportQuestions("anki", filter, viewName)}>
          Anki (tab-separated text)
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
