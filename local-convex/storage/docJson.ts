/**
 * Documents as the JSON text stored in the journal and the snapshot. A
 * document object is never modified once committed (a write replaces it),
 * so its text is computed once and reused by every later snapshot.
 */
import { convexToJson } from "convex/values";
import type { Doc } from "../engine/convexTestInternals";

export class DocJson {
  private readonly texts = new WeakMap<Doc, string>();

  /** `doc` as JSON text (convex-encoded). */
  of(doc: Doc): string {
    let text = this.texts.get(doc);
    if (text === undefined) {
      text = JSON.stringify(convexToJson(doc));
      this.texts.set(doc, text);
    }
    return text;
  }

  /** Records that `doc` was read from `text` (so it is never serialized again). */
  remember(doc: Doc, text: string): void {
    this.texts.set(doc, text);
  }
}
