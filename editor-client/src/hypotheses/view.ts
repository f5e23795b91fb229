/** The Hypotheses tree view (in Run and Debug) and the status bar item shown during a session,
 * both drawn from the HypothesisBoard. */

import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESES_VIEW_ID } from '../common/constants';
import type { HypothesisBoard, Snapshot } from './board';
import type { CodeLocation, Evidence, Hypothesis, Suggestion } from './events';
import {
  evidenceLabel,
  hypothesisDescription,
  hypothesisLabel,
  locationText,
  percentText,
  statusText,
  statusTooltip,
  suggestionLabel,
} from './present';

export type Node =
  | { kind: 'hypothesis'; hypothesis: Hypothesis; root: string | undefined }
  | { kind: 'location'; location: CodeLocation; root: string | undefined }
  | { kind: 'other'; probability: number }
  | { kind: 'group'; group: 'suggestions' | 'evidence'; snapshot: Snapshot }
  | { kind: 'suggestion'; suggestion: Suggestion; root: string | undefined }
  | { kind: 'evidence'; evidence: Evidence };

const STATUS_ICONS: Record<string, string> = {
  confirmed: 'pass-filled',
  supported: 'arrow-up',
  refuted: 'close',
  open: 'circle-outline',
};

const SUGGESTION_ICONS: Record<Suggestion['kind'], string> = {
  breakpoint: 'debug-breakpoint',
  logpoint: 'debug-breakpoint-log',
  conditional: 'debug-breakpoint-conditional',
  hit_count: 'debug-breakpoint-conditional',
  snapshot: 'eye',
};

function fileUri(file: string, root: string | undefined): vscode.Uri {
  return vscode.Uri.file(path.isAbsolute(file) || !root ? file : path.join(root, file));
}

function openAt(file: string, line: number, root: string | undefined): vscode.Command {
  const position = new vscode.Position(line - 1, 0);
  return {
    title: 'Open',
    command: 'vscode.open',
    arguments: [fileUri(file, root), { selection: new vscode.Range(position, position) }],
  };
}

export class HypothesesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly board: HypothesisBoard) {
    board.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    const snapshot = this.board.current();
    if (!snapshot) return [];
    if (!node) {
      const nodes: Node[] = snapshot.hypotheses.map((hypothesis) => ({
        kind: 'hypothesis',
        hypothesis,
        root: snapshot.root,
      }));
      if (snapshot.other > 0) nodes.push({ kind: 'other', probability: snapshot.other });
      if (snapshot.suggestions.length) nodes.push({ kind: 'group', group: 'suggestions', snapshot });
      if (snapshot.evidence.length) nodes.push({ kind: 'group', group: 'evidence', snapshot });
      return nodes;
    }
    if (node.kind === 'hypothesis') {
      return node.hypothesis.locations.map((location) => ({ kind: 'location', location, root: node.root }));
    }
    if (node.kind === 'group' && node.group === 'suggestions') {
      return node.snapshot.suggestions.map((suggestion) => ({
        kind: 'suggestion',
        suggestion,
        root: node.snapshot.root,
      }));
    }
    if (node.kind === 'group')
      return node.snapshot.evidence.map((evidence) => ({ kind: 'evidence', evidence }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const { None, Collapsed, Expanded } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'hypothesis': {
        const item = new vscode.TreeItem(
          hypothesisLabel(node.hypothesis),
          node.hypothesis.locations.length ? Collapsed : None,
        );
        item.id = `hypothesis:${node.hypothesis.id}`;
        item.description = hypothesisDescription(node.hypothesis);
        item.tooltip = `${hypothesisLabel(node.hypothesis)}\n${hypothesisDescription(node.hypothesis)}`;
        item.iconPath = new vscode.ThemeIcon(STATUS_ICONS[node.hypothesis.status] ?? 'question');
        item.contextValue = 'hypothesis';
        return item;
      }
      case 'location': {
        const { file, line, function: fn } = node.location;
        const item = new vscode.TreeItem(locationText(file, line, fn), None);
        item.iconPath = new vscode.ThemeIcon('location');
        item.command = openAt(file, line, node.root);
        return item;
      }
      case 'other': {
        const item = new vscode.TreeItem(`other explanations ${percentText(node.probability)}`, None);
        item.iconPath = new vscode.ThemeIcon('question');
        return item;
      }
      case 'group': {
        const items = node.group === 'suggestions' ? node.snapshot.suggestions : node.snapshot.evidence;
        const item = new vscode.TreeItem(
          `${node.group === 'suggestions' ? 'Suggested probes' : 'Evidence'} (${items.length})`,
          node.group === 'suggestions' ? Expanded : Collapsed,
        );
        item.id = `group:${node.group}`;
        return item;
      }
      case 'suggestion': {
        const item = new vscode.TreeItem(suggestionLabel(node.suggestion), None);
        item.description = [
          node.suggestion.status,
          node.suggestion.score ? node.suggestion.score.toFixed(2) : '',
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = node.suggestion.reason;
        item.iconPath = new vscode.ThemeIcon(SUGGESTION_ICONS[node.suggestion.kind]);
        item.contextValue = 'suggestion';
        item.command = openAt(node.suggestion.file, node.suggestion.line, node.root);
        return item;
      }
      case 'evidence': {
        const item = new vscode.TreeItem(evidenceLabel(node.evidence), None);
        item.iconPath = new vscode.ThemeIcon('eye');
        return item;
      }
    }
  }
}

/** The status bar item: visible while a smart-debug session runs. */
export class SessionStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'smartDebug.status',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private sessions = 0;

  constructor(private readonly board: HypothesisBoard) {
    this.item.name = 'Smart Debug';
    this.item.command = `${HYPOTHESES_VIEW_ID}.focus`;
    board.onDidChange(() => this.render());
  }

  sessionStarted(): void {
    this.sessions += 1;
    this.render();
  }

  sessionEnded(): void {
    this.sessions = Math.max(0, this.sessions - 1);
    this.render();
  }

  private render(): void {
    if (this.sessions === 0) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(this.board.current());
    this.item.tooltip = statusTooltip(this.board.current());
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
