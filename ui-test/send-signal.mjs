// Sends a Signal to a workflow through the Temporal Web UI's own "Send a Signal" form, in headless
// Debian Chromium (playwright-core, no downloaded browser), as an approver without the CLI does.
//
//   node ui-test/send-signal.mjs <uiUrl> <workflowId> <signalName> <input.json> <screenshot.png>
//
// Opens the workflow's page, opens "Send a Signal" from "More Actions", types the signal name and
// the JSON input (encoding json/plain), submits the form, and waits for the UI's request to be
// answered 200 and the dialog to close. Exit 0 when
// sent; 1 when the form could not be used or the UI reported an error (the page text is printed,
// a screenshot written); 2 on bad usage or when Chromium / playwright-core is missing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromiumOrExit } from './chromium.mjs';

const [uiUrl, workflowId, signalName, inputFile, screenshot] = process.argv.slice(2);
if (!uiUrl || !workflowId || !signalName || !inputFile || !screenshot) {
  console.error('usage: node send-signal.mjs <uiUrl> <workflowId> <signalName> <input.json> <screenshot.png>');
  process.exit(2);
}
const { chromium, chromiumPath } = await chromiumOrExit();
const input = readFileSync(inputFile, 'utf8').trim();
const timeoutMs = Number(process.env.UI_CHECK_TIMEOUT_MS || 60000);
const url = `${uiUrl.replace(/\/$/, '')}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;

const profile = mkdtempSync(join(tmpdir(), 'dr-ui-chromium-'));
let context;
let page;
let failure = null;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.getByText(workflowId, { exact: true }).first().waitFor({ timeout: timeoutMs });

  // "Send a Signal" is in the "More Actions" menu beside "Request Cancellation" (UI 2.42)
  await page.getByRole('button', { name: 'More Actions' }).click({ timeout: timeoutMs });
  await page.getByRole('menuitem', { name: 'Send a Signal' }).click({ timeout: timeoutMs });
  const dialog = page.getByRole('dialog', { name: 'Send a Signal' });
  await dialog.waitFor({ timeout: timeoutMs });
  // a free text field, or (when the worker tells the UI its signals, as the Java SDK's does) a
  // "Select a signal" list of the workflow's signal names
  const field = dialog.locator('[data-testid="signal-name"]');
  const select = dialog.locator('[data-testid="signal-select-button"]');
  await field.or(select).first().waitFor({ timeout: timeoutMs });
  if (await field.count()) {
    await field.fill(signalName);
  } else {
    await select.click();
    await dialog.getByRole('option', { name: signalName, exact: true }).click({ timeout: timeoutMs });
  }
  await dialog.locator('.cm-content').click(); // the Data editor (CodeMirror), json/plain
  await page.keyboard.insertText(input);
  // The form's own submit handler sends it (POST .../signal/<name>). In headless Chromium a
  // mouse click on Submit closes the <form method="dialog"> natively before the page's handler
  // sends anything, so the form is submitted with that Submit button as its submitter.
  const sent = page.waitForResponse((r) => r.request().method() === 'POST'
    && r.url().includes(`/workflows/${encodeURIComponent(workflowId)}/signal/${signalName}`),
  { timeout: timeoutMs });
  sent.catch(() => {}); // awaited below; a failure before that is reported, not this
  await dialog.locator('form').evaluate((form) => form.requestSubmit(
    form.querySelector('[data-testid="confirm-modal-button"]')));
  const response = await sent;
  if (response.status() !== 200) {
    throw new Error(`the UI's signal request answered ${response.status()}: ${await response.text()}`);
  }
  await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
} catch (e) {
  failure = e.message;
} finally {
  if (page) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
    if (failure) {
      console.error(`page text:\n${await page.locator('body').innerText().catch(() => '')}`);
      const form = await page.getByRole('dialog', { name: 'Send a Signal' }).innerHTML()
        .catch(() => '');
      console.error(`the form:\n${form.replace(/<svg.*?<\/svg>/gs, '').replace(/ class="[^"]*"/g, '')
        .slice(0, 5000)}`);
    }
  }
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
if (failure) {
  console.error(`could not send the signal ${signalName} to ${url}: ${failure}\nscreenshot: ${screenshot}`);
  process.exit(1);
}
console.log(`sent ${signalName} to ${workflowId} through ${url}; screenshot: ${screenshot}`);
