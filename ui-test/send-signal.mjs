// Sends a Signal to a workflow through the Temporal Web UI's own "Send a Signal" form, in headless
// Debian Chromium (playwright-core, no downloaded browser), as an approver without the CLI does.
//
//   node ui-test/send-signal.mjs <uiUrl> <workflowId> <signalName> <input.json> <screenshot.png>
//
// Opens the workflow's page, opens "Send a Signal" from the workflow actions, types the signal
// name and the JSON input, submits, and waits for the UI to confirm it was sent. Exit 0 when
// sent; 1 when the form could not be used or the UI reported an error (the page text is printed,
// a screenshot written); 2 on bad usage or when Chromium / playwright-core is missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [uiUrl, workflowId, signalName, inputFile, screenshot] = process.argv.slice(2);
if (!uiUrl || !workflowId || !signalName || !inputFile || !screenshot) {
  console.error('usage: node send-signal.mjs <uiUrl> <workflowId> <signalName> <input.json> <screenshot.png>');
  process.exit(2);
}
const chromiumPath = process.env.DR_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`Chromium not found at ${chromiumPath}: run scripts/ensure-tools.sh (apt-get install chromium)`);
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error(`playwright-core is not installed in ui-test/: run scripts/ensure-tools.sh (npm ci in ui-test) — ${e.message}`);
  process.exit(2);
}
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

  // "Send a Signal" sits in the workflow actions menu (the chevron beside "Request Cancellation")
  const item = page.getByRole('menuitem', { name: /Send a Signal/i })
    .or(page.getByRole('button', { name: /Send a Signal/i })).first();
  const deadline = Date.now() + timeoutMs;
  while (!(await item.isVisible().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('no "Send a Signal" in the workflow actions');
    const toggle = page.getByRole('button', { name: /workflow actions|more actions|actions/i })
      .or(page.locator('[data-testid*="workflow-actions"] button, button[aria-haspopup]')).last();
    await toggle.click({ timeout: 5000 }).catch(() => {});
    await item.waitFor({ state: 'visible', timeout: 2000 }).catch(() => {});
  }
  await item.click();

  const dialog = page.getByRole('dialog').filter({ hasText: /Signal/i }).first();
  await dialog.waitFor({ timeout: timeoutMs });
  const name = dialog.getByLabel(/Signal name/i).or(dialog.locator('input[type="text"]')).first();
  await name.fill(signalName);
  await name.press('Tab').catch(() => {});
  const editor = dialog.locator('.cm-content').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(input);
  await dialog.getByRole('button', { name: /^(Submit|Send|Send Signal)$/i }).first().click();
  // the UI closes the dialog and shows a toast on success, an error in the dialog otherwise
  await page.getByText(/Signal sent|successfully sent|signal.*success/i).first()
    .waitFor({ timeout: 15000 })
    .catch(async () => {
      if (await dialog.isVisible().catch(() => false)) {
        throw new Error('the form did not send the signal: '
          + (await dialog.innerText().catch(() => '')));
      }
    });
} catch (e) {
  failure = e.message;
} finally {
  if (page) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
    if (failure) {
      console.error(`page text:\n${await page.locator('body').innerText().catch(() => '')}`);
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
