/** The extension's settings (`smartDebug.*` in package.json) as one typed table, with which of
 * them the user set explicitly (`readSettings` in vscodeapi.ts reads them once per use). */

import type * as vscode from 'vscode';

export type AiMode = 'off' | 'anthropic';

export interface SmartDebugSettings {
  python: string;
  ai: AiMode;
  autoLogpoints: number;
  showProbeOutput: boolean;
  suggestionLenses: boolean;
  hypothesisLenses: boolean;
  maxLensesPerFile: number;
  testCommand: string;
  testPython: string;
  localizeBudget: number;
}

export interface SettingsSnapshot {
  values: SmartDebugSettings;
  /** Settings the user set (user, workspace or folder level), as opposed to package.json defaults. */
  explicit: ReadonlySet<keyof SmartDebugSettings>;
}

// Setting key under `smartDebug.` for each field. The language server's options are named as
// in its initializationOptions (lsp/options.py), so its messages about them name the setting.
export const KEYS: Record<keyof SmartDebugSettings, string> = {
  python: 'python',
  ai: 'ai',
  autoLogpoints: 'autoLogpoints',
  showProbeOutput: 'showProbeOutput',
  suggestionLenses: 'lenses.suggestions',
  hypothesisLenses: 'lenses.hypotheses',
  maxLensesPerFile: 'maxLensesPerFile',
  testCommand: 'localize.testCommand',
  testPython: 'localize.python',
  localizeBudget: 'localize.budget',
};

export const DEFAULTS: SmartDebugSettings = {
  python: '',
  ai: 'off',
  autoLogpoints: 5,
  showProbeOutput: true,
  suggestionLenses: true,
  hypothesisLenses: true,
  maxLensesPerFile: 8,
  testCommand: '',
  testPython: '',
  localizeBudget: 60,
};

/** The table from the `smartDebug` section of the configuration. */
export function settingsFrom(config: vscode.WorkspaceConfiguration): SettingsSnapshot {
  const values = { ...DEFAULTS };
  const explicit = new Set<keyof SmartDebugSettings>();
  for (const field of Object.keys(KEYS) as (keyof SmartDebugSettings)[]) {
    const key = KEYS[field];
    const inspected = config.inspect(key);
    if (
      inspected?.globalValue !== undefined ||
      inspected?.workspaceValue !== undefined ||
      inspected?.workspaceFolderValue !== undefined
    ) {
      explicit.add(field);
    }
    (values as Record<string, unknown>)[field] = config.get(key, DEFAULTS[field]);
  }
  return { values, explicit };
}
