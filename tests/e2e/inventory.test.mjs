// Browser test: a staff member adjusts stock with a note and sees the quantity and the history change;
// a missing note shows the API's message and changes nothing; Add item leads to the new item's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, nexsyncCommand, startServer, launchBrowser, signIn, password } from './support.mjs';

let db, server, browser;

before(async () => {
  db = createDatabase();
  nexsyncCommand(db.url, ['tenant', 'create', '--name', 'Acme Jewellers', '--owner-email', 'owner@acme.test', '--owner-password', password]);
  nexsyncCommand(db.url, ['user', 'add', '--tenant', 'Acme Jewellers', '--email', 'staff@acme.test', '--password', password, '--role', 'staff']);
  nexsyncCommand(db.url, ['demo', 'seed', '--tenant', 'Acme Jewellers']);
  server = await startServer(db.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  db?.drop();
});

test('staff adjust stock with a note and see quantity and history change', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'staff@acme.test');
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/inventory?query=solitaire`);
  await page.click('#inventory-table >> text=RING-001');
  await page.waitForURL(`${server.url}/inventory/RING-001`);
  assert.equal(await page.textContent('#item-quantity'), '4');
  const historyRows = await page.locator('#movements tbody tr').count();

  // No note: the API refuses, the page says why, nothing changes.
  await page.selectOption('select[name=mode]', 'delta');
  await page.fill('input[name=amount]', '-1');
  await page.evaluate(() => document.querySelector('input[name=note]').removeAttribute('required'));
  await page.click('#adjust-form button[type=submit]');
  await page.waitForSelector('#adjust-error:not([hidden])');
  assert.match(await page.textContent('#adjust-error'), /note is required/);
  assert.equal(await page.textContent('#item-quantity'), '4');

  // With a note: the quantity and the history change.
  await page.fill('input[name=note]', 'Sold at the Harrogate fair');
  await Promise.all([page.waitForEvent('load'), page.click('#adjust-form button[type=submit]')]);
  assert.equal(await page.textContent('#item-quantity'), '3');
  assert.equal(await page.locator('#movements tbody tr').count(), historyRows + 1);
  const newest = page.locator('#movements tbody tr').first();
  assert.match(await newest.textContent(), /Sold at the Harrogate fair/);
  assert.match(await newest.textContent(), /-1/);
  assert.match(await newest.textContent(), /staff@acme\.test/);

  // A new count becomes the difference.
  await page.selectOption('select[name=mode]', 'quantity');
  await page.fill('input[name=amount]', '10');
  await page.fill('input[name=note]', 'Stocktake');
  await Promise.all([page.waitForEvent('load'), page.click('#adjust-form button[type=submit]')]);
  assert.equal(await page.textContent('#item-quantity'), '10');
  assert.match(await page.locator('#movements tbody tr').first().textContent(), /\+7/);
  await page.close();
});

test('add an item with a SKU that needs encoding and adjust it', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'owner@acme.test');
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/inventory`);
  await page.fill('#add-item-form input[name=sku]', 'RING/9K 50%');
  await page.fill('#add-item-form input[name=title]', 'Signet ring');
  await page.fill('#add-item-form input[name=price]', '145.00');
  await page.fill('#add-item-form input[name=quantity]', '2');
  await page.click('#add-item-form button[type=submit]');
  await page.waitForURL(`${server.url}/inventory/RING%2F9K%2050%25`);
  assert.equal(await page.textContent('#item-sku'), 'RING/9K 50%');
  await page.fill('input[name=amount]', '3');
  await page.fill('input[name=note]', 'Made in the workshop');
  await Promise.all([page.waitForEvent('load'), page.click('#adjust-form button[type=submit]')]);
  assert.equal(await page.textContent('#item-quantity'), '5');
  await page.close();
});

test('customers and sales pages show the seeded records', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'staff@acme.test');
  await page.waitForURL(`${server.url}/`);
  await page.goto(`${server.url}/customers`);
  assert.ok(await page.isVisible('#customers-table >> text=Ada Lovelace'));
  await page.goto(`${server.url}/sales`);
  await page.click('#sales-table >> text=POS-0001');
  await page.waitForURL(/\/sales\/\d+$/);
  assert.match(await page.textContent('h1'), /Sale POS-0001/);
  assert.equal(await page.locator('#sale-lines tbody tr').count(), 2);
  await page.close();
});
