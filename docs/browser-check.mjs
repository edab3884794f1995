// Drives Debian's headless Chromium (never a downloaded browser) against a
// running keel: /docs (Swagger UI) lists every documented operation, "Try it
// out" creates a booking (POST /api/bookings -> 201), the manage_token
// authorizes reading it back (GET /api/bookings/{id} -> 200), and /redoc
// renders. Any request that leaves keel's origin is blocked and fails the
// check: the pages must work offline. Run by tests/e2e/test_docs.cpp:
//   node docs/browser-check.mjs --base http://127.0.0.1:PORT [--screenshots DIR]
//                               [--chromium /usr/bin/chromium]
// Prints one line per step; exit code 0 when every check passed.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const base = arg('base');
const shots = arg('screenshots');
const executablePath = arg('chromium', '/usr/bin/chromium');
const timeout = Number(arg('timeout-ms', '60000'));
if (!base) {
  console.error('usage: browser-check.mjs --base http://127.0.0.1:PORT [--screenshots DIR]');
  process.exit(2);
}
const origin = new URL(base).origin;

const failures = [];
const step = (msg) => console.log(`browser: ${msg}`);
const fail = (msg) => {
  failures.push(msg);
  console.log(`browser: FAIL ${msg}`);
};

const userDataDir = await mkdtemp(join(tmpdir(), 'keel-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    timeout,
  });
  context.setDefaultTimeout(timeout);

  // Offline: only keel's own origin may be reached.
  const external = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/')) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // keel's Content-Security-Policy refuses images from elsewhere (ReDoc's
    // sidebar links a logo on a CDN): that is the policy working.
    if (/(Refused to load|Loading) the image '[^']+'.* Content Security Policy/.test(m.text())) {
      step(`CSP kept the page offline: ${m.text().match(/'([^']+)'/)[1]}`);
      return;
    }
    errors.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(origin + '/')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });

  const doc = await (await fetch(`${origin}/openapi.json`)).json();
  const documented = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) documented.push({ method, path, op });

  // --- Swagger UI ---------------------------------------------------------
  await page.goto(`${origin}/docs`, { waitUntil: 'load' });
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'keel' }).waitFor();
  step(`/docs title: ${(await page.locator('.swagger-ui .info .title').innerText()).replace(/\s+/g, ' ')}`);
  await page.locator('.opblock').first().waitFor();
  for (const { method, path, op } of documented) {
    const tag = op.tags?.[0] ?? 'default';
    // Swagger UI's id: operations-<tag>-<operationId>.
    const block = page.locator(`[id="operations-${tag}-${op.operationId}"]`);
    if ((await block.count()) !== 1) {
      fail(`/docs does not list ${method.toUpperCase()} ${path} (${op.operationId})`);
      continue;
    }
    const shown = (await block.locator('.opblock-summary-path').first().innerText()).replace(/\u200b/g, '').trim();
    if (shown !== path) fail(`/docs shows ${shown} for ${op.operationId}, documented ${path}`);
  }
  step(`/docs lists ${await page.locator('.opblock').count()} operations (documented: ${documented.length})`);
  for (const id of ['create_booking', 'get_booking', 'cancel_booking'])
    if ((await page.locator(`[id="operations-bookings-${id}"]`).count()) !== 1) fail(`/docs lacks bookings operation ${id}`);

  // Try it out: POST /api/bookings.
  const create = page.locator('[id="operations-bookings-create_booking"]');
  await create.locator('.opblock-summary-control').click();
  await create.locator('button.try-out__btn').click();
  const minute = 15 * (Math.floor(Math.random() * 4 * 24 * 300) + 1);  // a fresh slot, 15-min grid
  const starts = new Date(Date.UTC(2031, 0, 1) + minute * 60000).toISOString().replace('.000Z', 'Z');
  const body = {
    name: 'Zoë Ångström',
    email: 'zoe@example.com',
    phone: '+46 70 123 45 67',
    service: 'swagger-ui-check',
    starts_at: starts,
    duration_minutes: 60,
    notes: 'Booked from /docs with Try it out',
  };
  await create.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${origin}/api/bookings` && r.request().method() === 'POST'),
    create.locator('button.execute').click(),
  ]);
  const createdBody = await created.json().catch(() => ({}));
  if (created.status() !== 201) fail(`Try it out: POST /api/bookings answered ${created.status()} ${JSON.stringify(createdBody)}`);
  else step(`Try it out: POST /api/bookings -> 201, booking ${createdBody.id}`);
  const shownStatus = create.locator('.live-responses-table tbody .response-col_status').first();
  await shownStatus.waitFor();
  if ((await shownStatus.innerText()).trim() !== String(created.status()))
    fail(`Swagger UI shows status ${await shownStatus.innerText()}, server sent ${created.status()}`);

  // Authorize with the booking's manage_token, then read it back.
  if (createdBody.manage_token) {
    await page.locator('.scheme-container button.authorize').click();
    const scheme = page.locator('.modal-ux .auth-container').filter({ hasText: 'BookingToken' });
    await scheme.locator('input').first().fill(createdBody.manage_token);
    await scheme.locator('button.authorize').click();
    await page.locator('.modal-ux button.btn-done, .modal-ux button.close-modal').first().click();
    const read = page.locator('[id="operations-bookings-get_booking"]');
    await read.locator('.opblock-summary-control').click();
    await read.locator('button.try-out__btn').click();
    await read.locator('tr[data-param-name="id"] input').fill(String(createdBody.id));
    const [got] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${origin}/api/bookings/${createdBody.id}` && r.request().method() === 'GET'),
      read.locator('button.execute').click(),
    ]);
    if (got.status() !== 200) fail(`Try it out: GET /api/bookings/${createdBody.id} with the token answered ${got.status()}`);
    else step(`Try it out (authorized with BookingToken): GET /api/bookings/${createdBody.id} -> 200`);
    await read.locator('.opblock-summary-control').click();  // fold it again for the screenshot
  }
  if (shots) {
    // The executed request and its 201, then the overview of every operation.
    const live = create.locator('.responses-wrapper').first();
    await live.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(shots, 'swagger-ui-try-it-out.png'),
      clip: await (async () => {
        // Bounding boxes are in viewport coordinates; the clip is in page ones.
        const scrollY = await page.evaluate(() => window.scrollY);
        const a = await create.locator('.execute-wrapper, .btn-group').first().boundingBox();
        const b = await create.locator('.live-responses-table').first().boundingBox();
        return { x: 0, y: scrollY + a.y - 10, width: 1280, height: Math.min(b.y + b.height - a.y + 20, 1400) };
      })(),
      fullPage: true,
    });
    step(`screenshot ${join(shots, 'swagger-ui-try-it-out.png')}`);
    await create.locator('.opblock-summary-control').click();
    await page.mouse.move(0, 0);
    await page.evaluate(() => {
      document.activeElement?.blur();
      window.scrollTo(0, 0);
    });
    await page.screenshot({ path: join(shots, 'swagger-ui.png'), fullPage: true });
    step(`screenshot ${join(shots, 'swagger-ui.png')}`);
  }

  // --- ReDoc --------------------------------------------------------------
  await page.goto(`${origin}/redoc`, { waitUntil: 'load' });
  const h1 = page.locator('h1').filter({ hasText: 'keel' }).first();
  await h1.waitFor();
  step(`/redoc title: ${(await h1.innerText()).replace(/\s+/g, ' ')}`);
  for (const { op } of documented) {
    if (!op.summary) continue;
    const entries = page.locator('[role="menuitem"], label[role="menuitem"], li label').filter({ hasText: op.summary });
    if ((await entries.count()) === 0) fail(`/redoc menu lacks "${op.summary}"`);
  }
  step('/redoc lists every operation summary');
  if (shots) {
    await page.screenshot({ path: join(shots, 'redoc.png') });
    step(`screenshot ${join(shots, 'redoc.png')}`);
  }

  for (const e of errors) fail(e);
  for (const url of external) fail(`request outside keel (offline required): ${url}`);
  if (!external.length) step('no request left keel\'s origin');
} catch (e) {
  fail(e.stack ?? String(e));
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
}
console.log(failures.length ? `browser: FAILED (${failures.length})` : 'browser: all checks passed');
process.exit(failures.length ? 1 : 0);
