// The user flows, one function each: what a person does in VS Code, and the facts they see,
// returned for the pytest test to assert on.
'use strict';

const { UI_TIMEOUT_MS } = require('./workbench');

const STATUS_ITEM = 'smartDebug.status'; // the extension's status bar item during a session
const LOCALIZE_TIMEOUT_MS = 120_000; // smart-debug localize on the example, on a loaded machine

/** (1) Run and Debug -> Smart Debug Session: pause at the user's breakpoint, read the
 * Variables view, continue to the end, read the Debug Console. */
async function launchBreakpoint(wb, { folder, file, line, stops, output }) {
  await wb.openFolder(folder);
  await wb.openFile(file);
  await wb.toggleBreakpointAt(line);
  await wb.runAndDebug('Smart Debug Session');
  const variables = [];
  for (const [index, expected] of stops.entries()) {
    variables.push(await wb.waitForVariable(expected));
    if (index === 0) {
      await wb.screenshot('launch-paused-at-breakpoint');
    }
    await wb.page.keyboard.press('F5');
  }
  const status = await wb.statusBarItemText(STATUS_ITEM);
  await wb.waitForSessionEnd();
  const console = await wb.debugConsoleText(output);
  await wb.screenshot('launch-debug-console');
  return { variables, status, console, notifications: await wb.notificationTexts() };
}

/** (4) Attach to a program started with `python -m debugpy --listen`, with the remote-attach
 * configuration: pause at a breakpoint, then disconnect. */
async function remoteAttach(wb, { folder, file, line, configuration, expected }) {
  await wb.openFolder(folder);
  await wb.openFile(file);
  await wb.toggleBreakpointAt(line);
  await wb.startConfiguration(configuration);
  const variables = await wb.waitForVariable(expected);
  const status = await wb.statusBarItemText(STATUS_ITEM);
  await wb.screenshot('remote-attach-paused');
  await wb.page.keyboard.press('Shift+F5'); // Disconnect: an attach session leaves the program running
  await wb.waitForSessionEnd();
  return { variables, status };
}

/** (5) Launch configurations with a mistake: each shows a message, and no session starts. */
async function launchErrors(wb, { cases }) {
  const messages = [];
  for (const { name, folder, file, configuration, pattern } of cases) {
    await wb.openFolder(folder);
    await wb.openFile(file);
    await wb.startConfiguration(configuration);
    const message = await wb.waitForNotification(new RegExp(pattern));
    messages.push({ name, message, debugging: await wb.isDebugging() });
    await wb.screenshot(`error-${name}`);
  }
  return { messages };
}

/** Localize the failing tests from the Hypotheses view's command, read the ranked hypotheses,
 * and add a suggested probe as a real (conditional) breakpoint. */
async function localizeHypotheses(wb, { folder, file, expected, suggestion }) {
  await wb.openFolder(folder);
  await wb.openFile(file);
  await wb.command('Smart Debug: Localize the Failing Tests');
  // The extension's input box, not the command palette closing: Enter would reach the editor.
  await wb.page
    .locator('.quick-input-widget', { hasText: 'The test command whose failures to localize' })
    .waitFor({ timeout: UI_TIMEOUT_MS });
  await wb.page.keyboard.press('Enter'); // the proposed test command: <interpreter> -m pytest -q
  const hypotheses = await wb.until(
    `${expected} in the Hypotheses view`,
    () => wb.paneText('Hypotheses'),
    (seen) => seen.includes(expected),
    LOCALIZE_TIMEOUT_MS,
  );
  await wb.collapsePane('Run');
  const row = await wb.revealRow('Hypotheses', suggestion);
  await row.click(); // selected: its inline actions show
  await row.locator('.action-label[aria-label="Add as Breakpoint"]').click({ timeout: UI_TIMEOUT_MS });
  const breakpoint = wb.pane('Breakpoints').locator('.monaco-list-row', { hasText: file }).first();
  await breakpoint.waitFor({ timeout: UI_TIMEOUT_MS });
  await wb.screenshot('hypotheses-view');
  return {
    hypotheses,
    breakpoint: {
      text: (await breakpoint.innerText()).replace(/\s+/g, ' ').trim(),
      label: await breakpoint.getAttribute('aria-label'), // "cart.py 28, Condition: ..."

      conditional: (await breakpoint.locator('.codicon-debug-breakpoint-conditional').count()) > 0,
    },
  };
}

/** (3) A session with a failure context: while it is paused the Hypotheses view lists H1 with its
 * probability and the status bar shows it; the injected probes print in the Debug Console. */
async function liveHypotheses(
  wb,
  { folder, file, line, configuration, stops, expected, output, programOutput },
) {
  await wb.openFolder(folder);
  await wb.openFile(file);
  await wb.toggleBreakpointAt(line);
  await wb.startConfiguration(configuration);
  await wb.waitForVariable(stops[0]);
  await wb.collapsePane('Watch');
  await wb.expandPane('Hypotheses');
  const hypotheses = await wb.until(
    `${expected} in the Hypotheses view`,
    () => wb.paneText('Hypotheses'),
    (seen) => seen.includes(expected),
    UI_TIMEOUT_MS,
  );
  const status = await wb.statusBarItemText(STATUS_ITEM);
  const probes = (await (await wb.revealRow('Hypotheses', 'Suggested probes')).innerText()).trim();
  await wb.screenshot('live-session-hypotheses');
  for (const [index, expectedStop] of stops.entries()) {
    if (index > 0) await wb.waitForVariable(expectedStop);
    await wb.page.keyboard.press('F5');
  }
  await wb.waitForSessionEnd();
  const probeLines = await wb.debugConsoleText(output, '[smart-debug]');
  const programLines = await wb.debugConsoleText(programOutput, 'pays');
  return { hypotheses, status, probes, probeLines, programLines };
}

module.exports = {
  'live-hypotheses': liveHypotheses,
  'localize-hypotheses': localizeHypotheses,
  'launch-breakpoint': launchBreakpoint,
  'remote-attach': remoteAttach,
  'launch-errors': launchErrors,
};
