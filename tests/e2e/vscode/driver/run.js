// Runs one flow in Chromium against a running code-server:
//   node run.js FLOW PARAMS.json
// PARAMS.json holds {url, screenshotDir, chromeDir, ...the flow's own parameters}. Prints one
// line `RESULT <json>` with what the flow saw; on failure saves `<flow>-failure.png` and exits 1.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require(path.join(process.env.SMART_DEBUG_E2E_MODULES, 'playwright-core'));
const { Workbench } = require('./workbench');
const flows = require('./flows');

// Debian's Chromium, headless, with everything that would reach the network turned off.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function main() {
  const [flowName, paramsFile] = process.argv.slice(2);
  const flow = flows[flowName];
  if (!flow) throw new Error(`unknown flow ${flowName}; known: ${Object.keys(flows).join(', ')}`);
  const params = JSON.parse(fs.readFileSync(paramsFile, 'utf8'));
  const context = await chromium.launchPersistentContext(params.chromeDir, {
    executablePath: process.env.SMART_DEBUG_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const wb = new Workbench(page, params.url, params.screenshotDir);
  try {
    const facts = await flow(wb, params);
    process.stdout.write(`RESULT ${JSON.stringify({ ...facts, screenshots: wb.screenshots })}\n`);
  } catch (error) {
    await wb.screenshot(`${flowName}-failure`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
