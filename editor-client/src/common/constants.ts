/** Names shared by the extension's modules: the debug type, how smart-debug is started, and
 * the identifiers of the commands, events and view it contributes. */

export const DEBUG_TYPE = 'smart-debug';

/** `smart-debug dap` on stdio: the debug adapter (DESIGN.md, contracts). */
export const ADAPTER_ARGS = ['-m', 'dap_proxy'];

/** `smart-debug lsp` on stdio. `python -m dap_proxy` always means `dap`, so the language server
 * goes through the CLI module itself. */
export const LSP_ARGS = ['-m', 'dap_proxy.cli', 'lsp'];

/** Imports smart-debug and prints its version: the check that an interpreter can run it. */
export const IMPORT_CHECK_ARGS = ['-c', 'import dap_proxy; print(dap_proxy.__version__)'];

/** The one command that makes smart-debug importable for `python`. */
export function installCommand(python: string): string {
  return `${shellQuote(python)} -m pip install smart-debug`;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';
export const HYPOTHESES_VIEW_ID = 'smartDebug.hypotheses';
export const OUTPUT_CHANNEL_NAME = 'Smart Debug';

/** Language server commands (their client side lives in lsp/client.ts). */
export const LSP_ACCEPT_COMMAND = 'smartDebug.accept';
export const LSP_HYPOTHESES_NOTIFICATION = 'smartDebug/hypotheses';

/** Custom DAP request that injects a hypothesis' probes mid-session. */
export const TEST_HYPOTHESIS_REQUEST = 'smartDebug/testHypothesis';

/** Languages whose first document starts the language server. */
export const LSP_LANGUAGES = ['python', 'javascript', 'typescript'];
