/** The extension's settings (`smartDebug.*` in package.json), read once per use as one typed
 * table, with which of them the user set explicitly. */

import * as vscode from 'vscode';

export type AiMode = 'off' | 'anthropic';

export interface SmartDebugSettings {
  python: string;
  ai: AiMode;
  model: string;
  autoLogpoints: number;
  showProbeOutput: boolean;
  lensKinds: string[];
  testCommand: string;
}

export interface SettingsSnapshot {
  values: SmartDebugSettings;
  /** Settings the user set (user, workspace or folder level), as opposed to package.json defaults. */
  explicit: ReadonlySet<keyof SmartDebugSettings>;
}

// Setting key under `smartDebug.` for each field.
const KEYS: Record<keyof SmartDebugSettings, string> = {
  python: 'python',
  ai: 'ai',
  model: 'model',
  autoLogpoints: 'autoLogpoints',
  showProbeOutput: 'showProbeOutput',
  lensKinds: 'lens.kinds',
  testCommand: 'localize.testCommand',
};

const DEFAULTS: SmartDebugSettings = {
  python: '',
  ai: 'off',
  model: '',
  autoLogpoints: 5,
  showProbeOutput: true,
  lensKinds: ['breakpoint', 'logpoint', 'conditional', 'hit_count', 'hypothesis'],
  testCommand: '',
};

export function readSettings(scope?: vscode.ConfigurationScope): SettingsSnapshot {
  const config = vscode.workspace.getConfiguration('smartDebug', scope);
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
