/** What the Hypotheses view and the status bar show: the latest hypotheses, suggestions and
 * evidence from each origin (a debug session, a localize run, the language server), and which
 * origin is in front. Pure state with change listeners; no editor API. */

import type { Evidence, Hypothesis, SmartDebugEvent, Suggestion } from './events';

// Evidence items kept per origin: the view shows the recent ones, the store keeps them all.
export const MAX_EVIDENCE = 50;

export interface Snapshot {
  origin: string; // a debug session id, 'localize' or 'language-server'
  label: string; // e.g. the session's name
  root: string | undefined; // the folder relative file paths are taken from
  hypotheses: Hypothesis[];
  other: number;
  suggestions: Suggestion[];
  evidence: Evidence[];
  mode?: string; // smartDebug/ready's mode, for a session
}

type Listener = () => void;

function empty(origin: string, label: string, root: string | undefined): Snapshot {
  return { origin, label, root, hypotheses: [], other: 0, suggestions: [], evidence: [] };
}

export class HypothesisBoard {
  private readonly snapshots = new Map<string, Snapshot>();
  private front: string | undefined;
  private readonly listeners: Listener[] = [];

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => this.listeners.splice(this.listeners.indexOf(listener), 1) };
  }

  /** The snapshot in front, if any. */
  current(): Snapshot | undefined {
    return this.front === undefined ? undefined : this.snapshots.get(this.front);
  }

  get(origin: string): Snapshot | undefined {
    return this.snapshots.get(origin);
  }

  /** Starts (or restarts) an origin with nothing in it, and brings it to the front. */
  open(origin: string, label: string, root: string | undefined): void {
    this.snapshots.set(origin, empty(origin, label, root));
    this.front = origin;
    this.changed();
  }

  /** Brings an origin to the front, creating it empty if it is new. A session's first events can
   * arrive before the editor reports the session started: they are kept. */
  begin(origin: string, label: string, root: string | undefined): void {
    if (!this.snapshots.has(origin)) this.snapshots.set(origin, empty(origin, label, root));
    this.front = origin;
    this.changed();
  }

  /** Applies one parsed event; an origin not opened yet is opened with `label`. */
  apply(origin: string, event: SmartDebugEvent, label = origin, root?: string): void {
    let snapshot = this.snapshots.get(origin);
    if (!snapshot) {
      snapshot = empty(origin, label, root);
      this.snapshots.set(origin, snapshot);
    }
    switch (event.type) {
      case 'ready':
        snapshot.mode = event.mode;
        break;
      case 'hypotheses':
        snapshot.hypotheses = event.hypotheses;
        snapshot.other = event.other;
        break;
      case 'suggestions':
        snapshot.suggestions = [...event.suggestions].sort((a, b) => b.score - a.score);
        break;
      case 'evidence':
        snapshot.evidence = [event.evidence, ...snapshot.evidence].slice(0, MAX_EVIDENCE);
        break;
    }
    this.front = origin;
    this.changed();
  }

  /** Brings an origin that has something to show to the front. */
  focus(origin: string): void {
    if (this.snapshots.has(origin) && this.front !== origin) {
      this.front = origin;
      this.changed();
    }
  }

  clear(): void {
    this.snapshots.clear();
    this.front = undefined;
    this.changed();
  }

  hypothesis(id: string): Hypothesis | undefined {
    return this.current()?.hypotheses.find((h) => h.id === id);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
