// Bundles the extension and vscode-languageclient into one file, so the .vsix carries no
// node_modules; `vscode` is provided by the editor at run time.
import { build } from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// The checkout this is built from: its .venv (made by `make setup`) has smart-debug, which is how
// the extension's "not installed" message can name an interpreter that works (src/common/install.ts).
const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  define: { SMART_DEBUG_CHECKOUT: JSON.stringify(checkout) },
});
