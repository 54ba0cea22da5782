// The one way the ui-test scripts find headless Debian Chromium and playwright-core: exits 2 with
// what to run (scripts/ensure-tools.sh) when either is missing.
import { existsSync } from 'node:fs';

export async function chromiumOrExit() {
  const chromiumPath = process.env.DR_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    console.error(`Chromium not found at ${chromiumPath}: run scripts/ensure-tools.sh (apt-get install chromium)`);
    process.exit(2);
  }
  try {
    const { chromium } = await import('playwright-core');
    return { chromium, chromiumPath };
  } catch (e) {
    console.error(`playwright-core is not installed in ui-test/: run scripts/ensure-tools.sh (npm ci in ui-test) — ${e.message}`);
    process.exit(2);
  }
}
