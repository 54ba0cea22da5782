// Checks a recovery's page in the Temporal Web UI with headless Debian Chromium (playwright-core,
// no downloaded browser) and writes a full-page screenshot.
//
//   node ui-test/check-recovery-page.mjs <uiUrl> <workflowId> <screenshot.png> [expected text ...]
//
// Always expected: the static summary "Recovery <incident>" and the current details heading
// "Incident <incident>" (Workflow.setCurrentDetails); each further argument is expected too.
// Exit 0 when everything is shown; 1 with the list of what is missing; 2 on bad usage or when
// Chromium / playwright-core is missing (run scripts/ensure-tools.sh).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromiumOrExit } from './chromium.mjs';

const [uiUrl, workflowId, screenshot, ...extra] = process.argv.slice(2);
if (!uiUrl || !workflowId || !screenshot) {
  console.error('usage: node check-recovery-page.mjs <uiUrl> <workflowId> <screenshot.png> [expected text ...]');
  process.exit(2);
}
const { chromium, chromiumPath } = await chromiumOrExit();

const incident = workflowId.replace(/^recovery-/, '');
const expected = [`Recovery ${incident}`, `Incident ${incident}`, ...extra];
const timeoutMs = Number(process.env.UI_CHECK_TIMEOUT_MS || 60000);
const url = `${uiUrl.replace(/\/$/, '')}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;

const profile = mkdtempSync(join(tmpdir(), 'dr-ui-chromium-'));
let missing = expected;
let text = '';
let context;
try {
  // A fresh, empty profile (--user-data-dir) each run; no background traffic to Google's hosts.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  await page.getByText(workflowId, { exact: true }).first().waitFor({ timeout: timeoutMs });
  let reloadAt = Date.now() + 10000;
  while (true) {
    // The summary, details and current details are on the "User Metadata" tab (UI 2.42).
    const tab = page.getByRole('tab', { name: /User Metadata/ })
      .or(page.getByRole('link', { name: /User Metadata/ })).first();
    if (await tab.count()) await tab.click().catch(() => {});
    await page.waitForTimeout(1000);
    // The Markdown of the summary and details is rendered in iframes: read every frame.
    const parts = [];
    for (const frame of page.frames()) {
      parts.push(await frame.locator('body').innerText({ timeout: 2000 }).catch(() => ''));
    }
    text = parts.join('\n');
    missing = expected.filter((t) => !text.includes(t));
    if (missing.length === 0 || Date.now() > deadline) break;
    if (Date.now() > reloadAt) { // the current details are read once per page load
      await page.reload({ waitUntil: 'domcontentloaded' });
      reloadAt = Date.now() + 10000;
    }
  }
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
} catch (e) {
  console.error(`could not check ${url} in Chromium: ${e.message}`);
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
if (process.exitCode === 1) process.exit(1);
if (missing.length > 0) {
  console.error(`${url} does not show:\n${missing.map((m) => `  - ${JSON.stringify(m)}`).join('\n')}`);
  console.error(`screenshot: ${screenshot}\npage text:\n${text}`);
  process.exit(1);
}
console.log(`${url} shows ${expected.map((e) => JSON.stringify(e)).join(', ')}; screenshot: ${screenshot}`);
