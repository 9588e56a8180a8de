// Helpers that drive the VS Code workbench like a user (keyboard + mouse) through Playwright, and read the
// result back from the DOM. Selectors were verified against VS Code OSS 1.139.1 (code-server 4.139.1 web
// workbench); see README.md "Selectors". Every helper waits for the UI instead of sleeping.
//
//   import * as ui from './ui.mjs';
//   await ui.quickOpen(page, 'sample.probe');           // Ctrl+P, type, wait for the row, Enter, wait for the tab
//   await ui.waitForProblems(page, (p) => p.warnings === 1);
//   const text = await ui.hoverText(page, 'hello');     // mouse over a word in the active editor
//   await ui.runCommand(page, 'Probe: Pick a Fruit');   // F1, type the title, Enter
//   await ui.pickItem(page, 'banana');                  // choose in the open QuickPick

export const SELECTORS = {
  workbench: '.monaco-workbench',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRows: '.quick-input-widget .monaco-list-row',
  quickInputFocusedRow: '.quick-input-widget .monaco-list-row.focused',
  activeTab: '.tabs-container .tab.active',
  activeEditorLines: '.editor-group-container.active .monaco-editor .view-lines',
  statusItem: (id) => `[id="${id}"]`,             // ids contain dots: use an attribute selector
  problemsStatus: '[id="status.problems"]',
  hover: '.monaco-editor .monaco-hover:not(.hidden)',
  hoverContents: '.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content',
  notificationToasts: '.notifications-toasts .notification-toast',
  notificationMessage: '.notifications-toasts .notification-list-item-message',
  notificationsBell: '[id="status.notifications"]',     // codicon-bell-dot inside when there are unread ones
  notificationCenter: '.notifications-center.visible',
  notificationCenterMessage: '.notifications-center .notification-list-item-message',
};

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the quick input is visible and (optionally) has a row whose aria-label starts with `label`. */
async function waitForRow(page, label, timeout) {
  await page.locator(SELECTORS.quickInput).waitFor({ state: 'visible', timeout });
  if (label === undefined) return;
  const row = page.locator(SELECTORS.quickInputRows).filter({ hasText: new RegExp(escapeRe(label)) }).first();
  await row.waitFor({ state: 'visible', timeout });
  return row;
}

/** Waits until the first (focused) row contains `label`: pressing Enter then picks exactly that row. */
async function waitForFocusedRow(page, label, timeout) {
  await page.locator(SELECTORS.quickInputFocusedRow).filter({ hasText: new RegExp(escapeRe(label)) }).first()
    .waitFor({ state: 'visible', timeout });
}

/** Ctrl+P, type a file name, wait until it is the focused result, Enter; waits for its editor tab to be active. */
export async function quickOpen(page, fileName, { timeout = 20000 } = {}) {
  await page.keyboard.press('Control+P');
  await page.locator(SELECTORS.quickInputBox).waitFor({ state: 'visible', timeout });
  await page.keyboard.type(fileName);
  // the file search runs on the server: results arrive asynchronously, Enter before that does nothing
  await waitForFocusedRow(page, fileName.split('/').pop(), timeout);
  await page.keyboard.press('Enter');
  await page.locator(SELECTORS.activeTab).filter({ hasText: fileName.split('/').pop() }).waitFor({ timeout });
  await page.locator(SELECTORS.activeEditorLines).first().waitFor({ timeout });
}

/** F1, type the command title, wait for it to be the focused row, Enter. */
export async function runCommand(page, title, { timeout = 20000 } = {}) {
  await page.keyboard.press('F1');
  await page.locator(SELECTORS.quickInputBox).waitFor({ state: 'visible', timeout });
  await page.keyboard.type(title);
  await waitForFocusedRow(page, title, timeout);
  await page.keyboard.press('Enter');
}

/** In an open QuickPick: type to filter, wait for the row, Enter. Returns the placeholder text it had. */
export async function pickItem(page, label, { timeout = 20000, filter = true } = {}) {
  await waitForRow(page, label, timeout);
  const placeholder = await page.locator(SELECTORS.quickInputBox).getAttribute('placeholder');
  if (filter) {
    await page.keyboard.type(label);
    await waitForFocusedRow(page, label, timeout);
    await page.keyboard.press('Enter');
  } else {
    await page.locator(SELECTORS.quickInputRows).filter({ hasText: new RegExp(escapeRe(label)) }).first().click();
  }
  await page.locator(SELECTORS.quickInput).waitFor({ state: 'hidden', timeout });
  return placeholder;
}

/** Labels of the rows currently shown in the quick input. */
export async function quickInputItems(page) {
  return page.locator(SELECTORS.quickInputRows).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent));
}

/** Reads a status bar item by id: { text, ariaLabel } (undefined if absent). */
export async function statusItem(page, id) {
  const el = page.locator(SELECTORS.statusItem(id));
  if (!(await el.count())) return undefined;
  return { text: (await el.first().textContent()).trim(), ariaLabel: await el.first().getAttribute('aria-label') };
}

/**
 * Problems counts from the status bar item "status.problems". Its aria-label is "No Problems" or e.g.
 * "Errors: 1, Warnings: 2" / "Warnings: 1"; its text is "<errors> <warnings>[ <infos>]".
 */
export async function problems(page) {
  const item = await statusItem(page, 'status.problems');
  if (!item) return undefined;
  const label = item.ariaLabel ?? '';
  const num = (re) => Number((re.exec(label) || [0, 0])[1]);
  return { errors: num(/Errors?: (\d+)/i), warnings: num(/Warnings?: (\d+)/i), infos: num(/Infos?: (\d+)/i), label, text: item.text };
}

/** Polls problems() until predicate(p) is true. */
export async function waitForProblems(page, predicate, { timeout = 30000 } = {}) {
  const end = Date.now() + timeout;
  let p;
  while (Date.now() < end) {
    p = await problems(page);
    if (p && predicate(p)) return p;
    await page.waitForTimeout(100);
  }
  throw new Error(`problems never matched; last: ${JSON.stringify(p)}`);
}

/** Moves the mouse over the first occurrence of `word` in the active editor and returns the hover widget's text. */
export async function hoverText(page, word, { timeout = 15000 } = {}) {
  const lines = page.locator(SELECTORS.activeEditorLines).first();
  const box = await lines.evaluate((root, w) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.replace(/\u00a0/g, ' ').indexOf(w);
      if (i >= 0) {
        const r = document.createRange();
        r.setStart(n, i); r.setEnd(n, i + w.length);
        const b = r.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height };
      }
    }
    return null;
  }, word);
  if (!box) throw new Error(`hoverText: "${word}" not visible in the active editor`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
  const hover = page.locator(SELECTORS.hoverContents).first();
  await hover.waitFor({ state: 'visible', timeout });
  // contents can render in several passes (loading... -> markdown): wait until text is stable
  let prev = '', text = await hover.innerText();
  for (let i = 0; i < 20 && (text !== prev || /Loading/.test(text)); i++) {
    await page.waitForTimeout(100);
    prev = text; text = await hover.innerText();
  }
  return text.trim();
}

/**
 * Messages of all notifications. VS Code 1.139 shows no toast for plain info messages (only the bell turns into
 * codicon-bell-dot), so this opens the notification center by clicking the bell, reads it, and closes it again.
 */
export async function notifications(page, { timeout = 10000 } = {}) {
  const toasts = await page.locator(SELECTORS.notificationMessage).allInnerTexts();
  const center = page.locator(SELECTORS.notificationCenter);
  const wasOpen = await center.isVisible();
  if (!wasOpen) {
    await page.locator(SELECTORS.notificationsBell).click();
    await center.waitFor({ state: 'visible', timeout });
  }
  const inCenter = await page.locator(SELECTORS.notificationCenterMessage).allInnerTexts();
  if (!wasOpen) {
    await page.locator(SELECTORS.notificationsBell).click();
    await center.waitFor({ state: 'hidden', timeout });
  }
  return [...new Set([...toasts, ...inCenter].map((t) => t.trim()))];
}

/** Waits for a notification (toast or notification center) whose text matches `re`; returns its text. */
export async function waitForNotification(page, re, { timeout = 15000 } = {}) {
  const end = Date.now() + timeout;
  let seen = [];
  while (Date.now() < end) {
    seen = await notifications(page);
    const hit = seen.find((t) => re.test(t));
    if (hit) return hit;
    await page.waitForTimeout(250);
  }
  throw new Error(`no notification matching ${re}; saw ${JSON.stringify(seen)}`);
}

/**
 * Tiny step runner for UI scripts: each step is timed, logged, followed by a screenshot (also on failure), and a
 * failing step does not stop later ones unless { stopOnFailure: true }. finish() prints the CI line
 * "N passed, N failed" and returns the number of failures.
 *   const run = steps(vsc);  await run.step('open file', () => quickOpen(vsc.page, 'a.trace'));  process.exitCode = run.finish() ? 1 : 0;
 */
export function steps(vsc, { stopOnFailure = false, screenshots = true } = {}) {
  const results = [];
  let stopped = false;
  return {
    results,
    async step(name, fn) {
      if (stopped) { results.push({ name, ok: false, ms: 0, skipped: true }); console.log(`  skip ${name}`); return; }
      const t = Date.now();
      let value;
      try {
        value = await fn();
        results.push({ name, ok: true, ms: Date.now() - t });
        const shown = value === undefined ? '' : ' -> ' + JSON.stringify(value).slice(0, 200);
        console.log(`  ok   ${name} (${Date.now() - t} ms)${shown}`);
      } catch (e) {
        results.push({ name, ok: false, ms: Date.now() - t, error: e });
        console.log(`  FAIL ${name} (${Date.now() - t} ms): ${String(e && e.message || e).split('\n')[0]}`);
        if (stopOnFailure) stopped = true;
      }
      if (screenshots) await vsc.screenshot(name).catch(() => {});
      return value;
    },
    finish() {
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed`);
      return failed;
    },
  };
}

/** Times an async step: returns [result, ms]. */
export async function timed(fn) {
  const t = Date.now();
  const r = await fn();
  return [r, Date.now() - t];
}
