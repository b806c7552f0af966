// Browser test: the owner connects acme-jewellers through the simulator's consent screen, sees the
// green card and the Connected section, then disconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, nexsyncCommand, startSimAndServer, launchBrowser, signIn, password } from './support.mjs';

let db, sim, server, browser;

before(async () => {
  db = createDatabase();
  nexsyncCommand(db.url, ['tenant', 'create', '--name', 'Acme Jewellers', '--owner-email', 'owner@acme.test', '--owner-password', password]);
  ({ sim, server } = await startSimAndServer(db.url, ['--seed-shop', 'acme-jewellers']));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sim?.stop();
  db?.drop();
});

test('connect acme-jewellers through the consent screen, see it connected, disconnect', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'owner@acme.test');
  await page.waitForURL(`${server.url}/`);

  await page.goto(`${server.url}/website/connect`);
  assert.ok(await page.isVisible('#woocommerce-card >> text=Not yet available'));
  await page.fill('input[name=shop]', 'acme-jewellers');
  await page.click('text=Connect Shopify');

  await page.waitForURL(/\/shops\/acme-jewellers\/admin\/oauth\/authorize\?/);
  assert.match(await page.textContent('#shop'), /acme-jewellers/);
  await page.click('#install');

  await page.waitForURL(`${server.url}/website/connect?shopify=connected`);
  assert.ok(await page.isVisible('#shopify-connected'));
  assert.match(await page.textContent('#shopify-connected'), /Shopify connected/);

  await page.goto(`${server.url}/integrations`);
  const row = page.locator('#shopify-integration');
  assert.match(await row.textContent(), /acme-jewellers\.myshopify\.com/);
  assert.ok(await row.locator('.check').isVisible());
  assert.equal((await row.locator('.last-synced').textContent()).trim(), 'never');
  assert.match(await row.locator('.scopes').textContent(), /read_customers/);

  await row.locator('button', { hasText: 'Disconnect' }).click();
  await page.waitForURL(`${server.url}/integrations?disconnected=1`);
  assert.ok(await page.isVisible('#disconnected-banner'));
  assert.ok(await page.isVisible('#no-integrations'));
  await page.close();
});
