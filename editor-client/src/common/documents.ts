/** Read-only documents the extension shows (the evidence for a hypothesis), served by a content
 * provider under a scheme of our own: the user reads them in a markdown preview, and closing
 * them never asks to save. */

import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'smart-debug';
// The built-in markdown extension's command; an editor without it shows the markdown as text.
const MARKDOWN_PREVIEW = 'markdown.showPreview';

class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${name}.md` });
    this.texts.set(uri.path, markdown);
    this.changed.fire(uri); // a preview of the same name open already shows the new text
    try {
      await vscode.commands.executeCommand(MARKDOWN_PREVIEW, uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
  }
}

export const readOnlyDocuments = new ReadOnlyDocuments();
