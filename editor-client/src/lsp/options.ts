/** The language server's `initializationOptions` (`ServerOptions` in lsp/options.py) from the
 * smartDebug.* settings, and the server's messages about them in the settings' names. Each option
 * is the setting `smartDebug.<its path>`; the server checks the values (lsp/options.py is the one
 * table of their types and bounds), the client only turns the test command's shell words into the
 * list the server takes. Settings left at their defaults are not sent: the server's defaults are
 * the same (tests/test_editor_client_settings.py keeps them so). */

import { splitCommandLine } from '../common/process';
import { expandSetting } from '../common/python';
import { KEYS, type SettingsSnapshot, type SmartDebugSettings } from '../common/settings';

/** The settings that are server options, by their option path (KEYS). */
export const OPTION_FIELDS: (keyof SmartDebugSettings)[] = [
  'suggestionLenses',
  'hypothesisLenses',
  'maxLensesPerFile',
  'ai',
  'testCommand',
  'testPython',
  'localizeBudget',
];

export interface BuiltOptions {
  options: Record<string, unknown>;
  problems: string[]; // one sentence per setting left out, naming it
}

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/** The options for a server whose workspace folder is `folder`. */
export function initializationOptions(settings: SettingsSnapshot, folder: string | undefined): BuiltOptions {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of OPTION_FIELDS) {
    if (!settings.explicit.has(field)) continue;
    let value: unknown = settings.values[field];
    if (field === 'testCommand' && typeof value === 'string') {
      if (!value.trim()) continue;
      try {
        value = splitCommandLine(value);
      } catch (error) {
        problems.push(
          `Smart Debug: the setting smartDebug.${KEYS[field]}: ${(error as Error).message}; ` +
            'the language server uses its default',
        );
        continue;
      }
    }
    if (field === 'testPython' && typeof value === 'string') {
      value = expandSetting(value, folder);
      if (!value) continue;
    }
    setAt(options, KEYS[field], value);
  }
  return { options, problems };
}

const OPTION_PATHS = OPTION_FIELDS.map((field) => KEYS[field]).sort((a, b) => b.length - a.length);
const SERVER_PREFIX = /^smart-debug: /;
const NAMED_OPTION = /\binitializationOptions\.([\w.]+)/g;

/** A message of the server in the user's terms: `initializationOptions.maxLensesPerFile` is the
 * setting `smartDebug.maxLensesPerFile`; an entry inside one (`localize.testCommand.0`) is that
 * setting. Messages about anything else are left as they are. */
export function inSettingNames(message: string): string {
  return message.replace(SERVER_PREFIX, 'Smart Debug: ').replace(NAMED_OPTION, (whole, where: string) => {
    const option = OPTION_PATHS.find((known) => where === known || where.startsWith(`${known}.`));
    return option ? `the setting smartDebug.${option}` : whole;
  });
}
