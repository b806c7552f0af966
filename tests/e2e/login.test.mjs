// Browser test: the demo owner signs in and sees the app shell; a wrong password shows an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, nexsyncCommand, startServer, launchBrowser, signIn, password } from './support.mjs';

let db, server, browser;

before(async () => {
  db = createDatabase();
  // The password on standard input, not in the arguments (where `ps` would show it).
  nexsyncCommand(db.url, ['tenant', 'create', '--name', 'Acme Jewellers', '--owner-email', 'owner@acme.test'], `${password}\n`);
  server = await startServer(db.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  db?.drop();
});

test('the owner signs in and sees the app shell', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'owner@acme.test');
  await page.waitForURL(`${server.url}/`);
  assert.match(await page.textContent('h1'), /Welcome, owner@acme\.test/);
  for (const item of ['Inventory', 'Customers', 'Sales', 'Integrations', 'Website'])
    assert.ok(await page.isVisible(`nav >> text=${item}`), `nav shows ${item}`);
  assert.equal(await page.textContent('.tenant'), 'Acme Jewellers');
  const csrf = await page.getAttribute('meta[name=csrf-token]', 'content');
  assert.equal(csrf.length, 43);
  await page.click('text=Log out');
  await page.waitForURL(/\/login$/);
  await page.close();
});

test('a wrong password shows an error and no session', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'owner@acme.test', 'not-the-password');
  assert.equal(await page.textContent('.banner.error'), 'Wrong email or password.');
  const cookies = await page.context().cookies();
  assert.ok(!cookies.some((c) => c.name === 'nexsync_session'));
  await page.close();
});
