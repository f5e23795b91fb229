// Drives the VS Code workbench (code-server in Chromium) the way a person does: keyboard
// shortcuts, the Run and Debug view, Quick Open. Every wait names what it waits for and has a
// timeout; nothing sleeps.
'use strict';

const path = require('node:path');

const UI_TIMEOUT_MS = 30_000; // a view, a quick pick row, a notification
const POLL_MS = 100; // between two reads of a view's text while waiting for a value
const ROW_SCROLL_PX = 66; // three rows of a tree view
const SESSION_TIMEOUT_MS = 60_000; // a debug session reaching a breakpoint on a loaded machine
const WORKBENCH_TIMEOUT_MS = 90_000; // code-server's first page load, extension host included

class Workbench {
  constructor(page, baseUrl, screenshotDir) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.screenshotDir = screenshotDir;
    this.screenshots = [];
  }

  async openFolder(folder) {
    await this.page.goto(`${this.baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .first()
      .waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  }

  async quickOpen(text, rowText) {
    await this.page.keyboard.press('Control+P');
    await this.page.locator('.quick-input-widget input').waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.type(text);
    // Enter before the row exists would pick a stale or empty list.
    await this.page
      .locator('.quick-input-list .monaco-list-row', {
        hasText: rowText ?? text,
      })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
  }

  async command(title) {
    await this.page.keyboard.press('F1');
    await this.page.locator('.quick-input-widget input').waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.type(title);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: title })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
  }

  async openFile(relative) {
    await this.quickOpen(relative, path.basename(relative));
    await this.page
      .locator('.tab.active', { hasText: path.basename(relative) })
      .waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Ctrl+G to a line: the editor scrolls it into view and puts the cursor there. */
  async goToLine(line) {
    await this.page.keyboard.press('Control+G');
    await this.page.locator('.quick-input-widget input').waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.type(String(line));
    await this.page
      .locator('.quick-input-list .monaco-list-row', {
        hasText: `line ${line}`,
      })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.statusbar-item', { hasText: `Ln ${line},` })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
  }

  async toggleBreakpointAt(line) {
    await this.goToLine(line);
    await this.page.keyboard.press('F9');
    await this.page
      .locator('.monaco-editor .codicon-debug-breakpoint')
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The code lens row (the lenses of one line) whose text includes `title`, once it is drawn. */
  async codeLens(title, timeoutMs = UI_TIMEOUT_MS) {
    const lens = this.page.locator('.monaco-editor .codelens-decoration', { hasText: title }).first();
    await lens.waitFor({ timeout: timeoutMs });
    return lens;
  }

  /** Clicks the lens `command` (e.g. "Accept") that follows the lens titled `title` (one line's
   * lenses share a row: `H1 … | Show evidence | H2 … | Show evidence`). */
  async clickLens(title, command) {
    const lens = await this.codeLens(title);
    await lens
      .locator(
        `xpath=.//*[contains(text(), "${title}")]/following-sibling::a[normalize-space(.)="${command}"][1]`,
      )
      .click({ timeout: UI_TIMEOUT_MS });
  }

  /** The text of every code lens row drawn in the editor, top to bottom. */
  async codeLensTexts() {
    const rows = this.page.locator('.monaco-editor .codelens-decoration');
    return (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  }

  pane(title) {
    return this.page.locator('.pane', {
      has: this.page.locator('.pane-header h3.title', {
        hasText: new RegExp(`^${title}$`, 'i'),
      }),
    });
  }

  /** Opens a view of the side bar that is collapsed. */
  async expandPane(title) {
    const header = this.pane(title).locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  }

  /** Collapses a view of the side bar, which gives the others its room. */
  async collapsePane(title) {
    const header = this.pane(title).locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }

  /** Scrolls a view until a row with `text` is rendered (lists draw only the rows in sight). */
  async revealRow(title, text) {
    const pane = this.pane(title);
    const row = pane.locator('.monaco-list-row', { hasText: text }).first();
    await pane.locator('.monaco-list').first().hover();
    await this.until(
      `a row "${text}" in the ${title} view`,
      async () => {
        if ((await row.count()) === 0) await this.page.mouse.wheel(0, ROW_SCROLL_PX);
        return row.count();
      },
      (count) => count > 0,
      UI_TIMEOUT_MS,
    );
    return row;
  }

  /** A view's text as a person reads it: `name = value` on one line. */
  async paneText(title) {
    return (await this.pane(title).innerText()).replace(/\u00a0/g, ' ').replace(/ =\n/g, ' = ');
  }

  /** Reads `read()` until `predicate` holds; fails naming `what` after `timeoutMs`. */
  async until(what, read, predicate, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (predicate(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen:\n${value}`);
      await this.page.waitForTimeout(POLL_MS);
    }
  }

  /** Waits until the Variables view lists `text` (e.g. "customer = 'alice'") while paused. */
  async waitForVariable(text) {
    const locals = this.pane('Variables').locator('.monaco-list-row[aria-label="Scope Locals"]');
    await locals.waitFor({ timeout: SESSION_TIMEOUT_MS });
    // VS Code opens the first scope by itself for a launch, not always for an attach.
    if ((await locals.getAttribute('aria-expanded')) === 'false') await locals.click();
    return this.until(
      `${text} in the Variables view`,
      () => this.paneText('Variables'),
      (seen) => seen.includes(text),
      SESSION_TIMEOUT_MS,
    );
  }

  /** Run and Debug -> the "Run and Debug" button; picks `debuggerLabel` when VS Code asks. */
  async runAndDebug(debuggerLabel) {
    await this.page.keyboard.press('Control+Shift+D');
    await this.page.locator('.monaco-button', { hasText: 'Run and Debug' }).click({ timeout: UI_TIMEOUT_MS });
    const picker = this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: debuggerLabel })
      .first();
    const toolbar = this.page.locator('.debug-toolbar');
    // With one debugger for Python VS Code starts it at once; with several it asks.
    await picker.or(toolbar).first().waitFor({ timeout: UI_TIMEOUT_MS });
    if (await picker.isVisible()) await picker.click();
  }

  /** Starts a launch.json configuration by name (Quick Open's "debug " prefix). */
  async startConfiguration(name) {
    await this.quickOpen(`debug ${name}`, name);
  }

  async waitForSessionEnd() {
    await this.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: SESSION_TIMEOUT_MS });
  }

  /** The Debug Console's lines, only those matching `filter` when given (its filter box): the
   * console draws only the rows in sight, so a long output is read a slice at a time. A row may
   * hold several outputs: VS Code appends an output to the row before when that one did not end
   * its line, so a logpoint's output that arrives between a print's text and its newline (they
   * come as two outputs) shares the print's row; such a logpoint output is put back on a line of
   * its own here, as it was sent. */
  async debugConsoleText(expected, filter = '') {
    await this.page.keyboard.press('Control+Shift+Y');
    const box = this.page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
    await box.fill(filter);
    const rows = this.page.locator('.repl .monaco-list-row');
    // One entry per row, in order: a row stands for `count` identical outputs in a row (its badge).
    const read = () =>
      rows.evaluateAll((found) =>
        found
          .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
          .flatMap((row) => {
            const value = (row.querySelector('.value') ?? row).innerText.replace(/\u00a0/g, ' ');
            const badge = row.querySelector('.count-badge-wrapper:not([hidden])');
            return Array(badge ? Number(badge.innerText) || 1 : 1).fill(value);
          }),
      );
    const seen = await this.until(
      `"${expected}" in the Debug Console${filter ? ` filtered by "${filter}"` : ''}`,
      read,
      (values) => values.join('\n').includes(expected) && values.every((v) => v.includes(filter)),
      SESSION_TIMEOUT_MS,
    );
    return seen.join('\n').replace(/([^\n])\[smart-debug\]/g, '$1\n[smart-debug]');
  }

  async waitForNotification(pattern) {
    const toast = this.notification(pattern);
    await toast.waitFor({ timeout: SESSION_TIMEOUT_MS });
    return (await toast.innerText()).replace(/\s+/g, ' ').trim();
  }

  notification(pattern) {
    return this.page.locator('.notification-toast', { hasText: pattern }).first();
  }

  /** Clicks the button `label` of the notification matching `pattern`. */
  async clickNotificationButton(pattern, label) {
    await this.notification(pattern)
      .locator('.monaco-button', { hasText: label })
      .click({ timeout: UI_TIMEOUT_MS });
  }

  /** The text of the webview on screen (a markdown preview) once it shows `expected`. */
  async webviewText(expected) {
    const body = this.page
      .frameLocator('iframe.webview.ready')
      .first()
      .frameLocator('#active-frame')
      .locator('body', { hasText: expected });
    await body.waitFor({ timeout: UI_TIMEOUT_MS });
    return body.innerText();
  }

  /** Waits until the view `title` shows `text`; returns the view's text. */
  async waitForPaneText(title, text, timeoutMs = SESSION_TIMEOUT_MS) {
    return this.until(
      `${text} in the ${title} view`,
      () => this.paneText(title),
      (seen) => seen.includes(text),
      timeoutMs,
    );
  }

  /** The text of a status bar item an extension created with `id`. */
  async statusBarItemText(id) {
    const item = this.page.locator(`.statusbar-item[id$=".${id}"]`);
    await item.waitFor({ timeout: UI_TIMEOUT_MS });
    return (await item.innerText()).trim();
  }

  /** The text of every notification toast on screen. */
  async notificationTexts() {
    return (await this.page.locator('.notification-toast').allInnerTexts()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
  }

  async isDebugging() {
    return this.page.locator('.debug-toolbar').isVisible();
  }

  async screenshot(name) {
    // Move the mouse off any view so no hover covers what the picture is for.
    await this.page.mouse.move(0, 0);
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    this.screenshots.push(file);
    return file;
  }
}

module.exports = { Workbench, UI_TIMEOUT_MS, SESSION_TIMEOUT_MS };
