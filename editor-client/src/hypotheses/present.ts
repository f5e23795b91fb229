/** How hypotheses, suggestions and evidence read in the view and the status bar: pure functions
 * from the parsed values to text. */

import type { Evidence, Hypothesis, Suggestion } from './events';
import type { Snapshot } from './board';

// The status bar has room for a few words of the statement.
export const STATUS_TEXT_CHARS = 60;

export function shorten(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= chars ? flat : `${flat.slice(0, chars - 1).trimEnd()}…`;
}

export function percentText(probability: number): string {
  return `${probability >= 10 || probability === 0 ? probability.toFixed(0) : probability.toFixed(1)}%`;
}

export function hypothesisLabel(h: Hypothesis): string {
  return `${h.id} ${percentText(h.probability)} ${h.statement}`;
}

export function hypothesisDescription(h: Hypothesis): string {
  return [h.status, h.category].filter(Boolean).join(' · ');
}

export function locationText(file: string, line: number, fn?: string): string {
  return `${file}:${line}${fn ? ` in ${fn}` : ''}`;
}

/** What the suggested probe does: `logpoint count={count}`, `if i == 7`, `on hit >3`. */
export function suggestionProbe(s: Suggestion): string {
  switch (s.kind) {
    case 'logpoint':
      return `logpoint ${s.logMessage ?? ''}`.trim();
    case 'conditional':
      return `breakpoint if ${s.condition ?? ''}`.trim();
    case 'hit_count':
      return `breakpoint on hit ${s.hitCondition ?? ''}`.trim();
    case 'snapshot':
      return `snapshot${s.condition ? ` if ${s.condition}` : ''}`;
    default:
      return 'breakpoint';
  }
}

export function suggestionLabel(s: Suggestion): string {
  return `${locationText(s.file, s.line)} ${suggestionProbe(s)}`;
}

export function evidenceLabel(e: Evidence): string {
  return `${e.kind}: ${e.summary}`;
}

/** The status bar during a session: the top hypothesis, or that the session is running. */
export function statusText(snapshot: Snapshot | undefined): string {
  const top = snapshot?.hypotheses[0];
  if (top)
    return `$(lightbulb) ${top.id} ${percentText(top.probability)} ${shorten(top.statement, STATUS_TEXT_CHARS)}`;
  return `$(debug-alt) Smart Debug${snapshot?.mode ? `: ${snapshot.mode}` : ''}`;
}

export function statusTooltip(snapshot: Snapshot | undefined): string {
  const top = snapshot?.hypotheses[0];
  if (!top) return 'Smart Debug Session: no hypothesis yet. Click to open the Hypotheses view.';
  return `${hypothesisLabel(top)} (${hypothesisDescription(top)}). Click to open the Hypotheses view.`;
}
