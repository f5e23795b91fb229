/** Launch configurations before they start: the one used when there is no launch.json, the
 * smartDebug.* settings the user set, and the mistakes worth a clear message before a session
 * starts (a program or working directory that does not exist). Pure functions. */

import * as path from 'node:path';
import type * as vscode from 'vscode';
import { DEBUG_TYPE } from '../common/constants';
import type { SettingsSnapshot, SmartDebugSettings } from '../common/settings';

/** Settings that fill a key of the launch configuration's smartDebug block the user left out. */
const SETTING_FOR_LAUNCH_KEY: [string, keyof SmartDebugSettings][] = [
  ['ai', 'ai'],
  ['autoLogpoints', 'autoLogpoints'],
  ['showProbeOutput', 'showProbeOutput'],
];

/** VS Code passes an empty configuration when there is no launch.json (F5, or Run and Debug ->
 * Smart Debug Session). */
export function isEmptyConfig(config: vscode.DebugConfiguration): boolean {
  return !config.request && !config.program && !config.module;
}

/** `currentFile` is package.json's initial configuration (launch-templates/current-file.json). */
export function configForActiveFile(
  languageId: string | undefined,
  currentFile: vscode.DebugConfiguration,
): { config: vscode.DebugConfiguration } | { error: string } {
  if (languageId !== 'python') {
    return {
      error:
        'Smart Debug: open a Python file to debug it, or add a Smart Debug configuration to ' +
        'launch.json (Run and Debug -> create a launch.json file -> Smart Debug Session).',
    };
  }
  return { config: { ...currentFile } };
}

/** Copies the settings the user set into the smartDebug block, where the block does not say.
 * Settings left at their defaults add nothing: the configuration reaches smart-debug as written. */
export function withSettings(
  config: vscode.DebugConfiguration,
  settings: SettingsSnapshot,
): vscode.DebugConfiguration {
  const block: Record<string, unknown> = { ...(config.smartDebug ?? {}) };
  let added = false;
  for (const [launchKey, setting] of SETTING_FOR_LAUNCH_KEY) {
    if (settings.explicit.has(setting) && block[launchKey] === undefined) {
      block[launchKey] = settings.values[setting];
      added = true;
    }
  }
  return added ? { ...config, smartDebug: block } : config;
}

/** What is wrong with a launch configuration whose variables are substituted, or undefined. */
export function problemBeforeStart(
  config: vscode.DebugConfiguration,
  folder: string | undefined,
  exists: (file: string) => boolean,
): string | undefined {
  if (config.request !== 'launch') return undefined;
  const named = `launch configuration "${config.name ?? DEBUG_TYPE}"`;
  const base = typeof config.cwd === 'string' && config.cwd ? config.cwd : folder;
  if (typeof config.cwd === 'string' && config.cwd && !exists(config.cwd)) {
    return `Smart Debug: the working directory ${config.cwd} does not exist (${named}). Fix "cwd" in launch.json.`;
  }
  if (config.module) return undefined;
  if (typeof config.program !== 'string' || !config.program) {
    return `Smart Debug: the ${named} has neither "program" nor "module": say what to run.`;
  }
  const program = path.isAbsolute(config.program) || !base ? config.program : path.join(base, config.program);
  if (!exists(program)) {
    return `Smart Debug: the program ${program} does not exist (${named}). Fix "program" in launch.json.`;
  }
  return undefined;
}
