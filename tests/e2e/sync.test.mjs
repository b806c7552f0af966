// Browser test: the Two-Way Sync panel. A click shows a spinner on that button and disables the
// others, in this tab and in another signed-in tab; a live progress line; then the green banner with
// counts, the skipped rows page, and the history. Every button is clicked once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, nexsyncCommand, startSimAndServer, launchBrowser, signIn, password, simAdmin } from './support.mjs';

let db, sim, server, browser;

async function simControl(method, path, body) {
  const res = await fetch(`${sim.url}${path}`, {
    method, headers: { Authorization: `Bearer ${simAdmin}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
  return res.json().catch(() => null);
}

before(async () => {
  db = createDatabase();
  nexsyncCommand(db.url, ['tenant', 'create', '--name', 'Acme Jewellers', '--owner-email', 'owner@acme.test', '--owner-password', password]);
  ({ sim, server } = await startSimAndServer(db.url, []));
  // 200 products (10 pages of 20); 10% without SKU so the banner has skipped rows to link to.
  await simControl('POST', '/_sim/shops', { name: 'panel-shop', plan: 'standard', products: 200, variants_per_product: 1,
    no_sku_share: 0.1, duplicate_sku_share: 0, customers: 30, orders: 20, seed: 21 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.stop();
  db?.drop();
});

test('each sync button: spinner, the others disabled in every tab, progress, banner, skipped rows, history', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'owner@acme.test');
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/website/connect`);
  await page.fill('input[name=shop]', 'panel-shop');
  await page.click('text=Connect Shopify');
  await page.waitForURL(/\/shops\/panel-shop\/admin\/oauth\/authorize\?/);
  await page.click('#install');
  await page.waitForURL(`${server.url}/website/connect?shopify=connected`);

  await page.goto(`${server.url}/integrations`);
  const other = await context.newPage();  // a second tab of the same user
  await other.goto(`${server.url}/integrations`);
  await other.waitForSelector('#sync-panel');

  // A slow budget (1,000-point bucket, 10 points/s): each 862-point page waits for the bucket until
  // the bucket holds what the rest costs (~1,000 points of pages in all), about 20 s: long enough to watch.
  await simControl('PUT', '/_sim/shops/panel-shop/faults', { bucket_size: 1000, restore_rate: 10 });
  const inventory = await simControl('GET', '/_sim/shops/panel-shop/inventory');
  const withoutSku = inventory.inventory.filter((row) => !row.sku).length;
  const withSku = inventory.inventory.length - withoutSku;
  assert.ok(withoutSku > 0);
  await page.click('button[data-direction=products]');
  await page.waitForSelector('button[data-direction=products].running .spinner', { state: 'visible' });
  for (const d of ['customers', 'orders', 'inventory']) {
    assert.ok(await page.isDisabled(`button[data-direction=${d}]`), `${d} disabled while products run`);
  }
  // The other tab learns it from the event stream.
  await other.waitForSelector('button[data-direction=products].running', { timeout: 15000 });
  assert.ok(await other.isDisabled('button[data-direction=customers]'));
  await page.waitForFunction(() => /Importing products: \d[\d,]* \/ \d[\d,]*/.test(document.querySelector('#sync-progress').textContent),
    null, { timeout: 30000 });
  assert.match(await page.textContent('#sync-progress'), /about .* left|Importing products/);

  await page.waitForSelector('#sync-banner.ok', { timeout: 120000 });
  const expected = `✓ Synced ${withSku} items, ${withoutSku} skipped`;
  assert.equal(await page.textContent('#sync-banner'), expected);
  assert.ok(!(await page.isDisabled('button[data-direction=customers]')));
  // The other tab sees the end too, with the same result.
  await other.waitForSelector('#sync-banner.ok', { timeout: 15000 });
  assert.equal(await other.textContent('#sync-banner'), expected);
  await simControl('DELETE', '/_sim/shops/panel-shop/faults');

  for (const d of ['customers', 'orders', 'inventory']) {
    await page.click(`button[data-direction=${d}]`);
    await page.waitForFunction((dir) => {
      const b = document.querySelector('#sync-banner');
      return !b.hidden && !document.querySelector(`button[data-direction=${dir}]`).disabled;
    }, d, { timeout: 60000 });
    assert.match(await page.textContent('#sync-banner'), /^✓ Synced \d+ items, \d+ skipped/, `${d} banner`);
  }

  // History: the four runs, newest first.
  await page.waitForFunction(() => document.querySelectorAll('#sync-history tbody tr').length >= 4);
  const directions = await page.$$eval('#sync-history tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(directions.slice(0, 4), ['inventory', 'orders', 'customers', 'products']);

  // The products run's skipped rows, with why.
  await page.click('#sync-history tbody tr:nth-child(4) td:nth-child(5) a');
  await page.waitForSelector('#skipped-rows');
  assert.equal(await page.locator('#skipped-rows tbody tr').count(), withoutSku);
  assert.match(await page.textContent('#skipped-rows tbody'), /no SKU/);
  await context.close();
});
