// Shared set-up for browser tests: a fresh database, a tenant, a running nexsync (and, when asked,
// the Shopify simulator), and Debian's chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const bin = process.env.NEXSYNC_BIN_DIR;
const adminUrl = process.env.NEXSYNC_TEST_DATABASE_URL;
if (!bin || !adminUrl) throw new Error('run browser tests through scripts/test (NEXSYNC_BIN_DIR, NEXSYNC_TEST_DATABASE_URL)');

export const password = 'e2e-password-1';

function withDatabase(url, name) {
  const q = url.indexOf('?');
  const slash = url.lastIndexOf('/', q < 0 ? url.length : q);
  return url.slice(0, slash + 1) + name + (q < 0 ? '' : url.slice(q));
}

/** Creates a database for this test file and returns its URL. */
export function createDatabase() {
  const name = `nexsync_e2e_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  execFileSync('psql', [adminUrl, '-qc', `CREATE DATABASE ${name}`]);
  return { url: withDatabase(adminUrl, name), drop: () => execFileSync('psql', [adminUrl, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
}

/** Runs a nexsync admin command against a database. */
export function nexsyncCommand(databaseUrl, args, input) {
  return execFileSync(`${bin}/nexsync`, args, { input, env: { ...process.env, NEXSYNC_DATABASE_URL: databaseUrl } }).toString();
}

/** Starts a process and waits for the line "<name> listening on http://HOST:PORT"; returns the URL. */
export async function startListening(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 100000) stderr = stderr.slice(-50000); });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${stderr}`)), 30000);
    lines.on('line', (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${command} exited ${code}: ${stderr}`)); });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** nexsync serve on a free port against databaseUrl. */
export async function startServer(databaseUrl, extraEnv = {}) {
  return startListening(`${bin}/nexsync`, ['serve'], {
    NEXSYNC_LISTEN: '127.0.0.1:0',
    NEXSYNC_DATABASE_URL: databaseUrl,
    NEXSYNC_MASTER_KEY: '7'.repeat(64),
    NEXSYNC_CRON_SECRET: 'e2e-cron-secret-0123456789',
    NEXSYNC_SHOPIFY_API_KEY: 'e2e-api-key',
    NEXSYNC_SHOPIFY_API_SECRET: 'e2e-api-secret',
    NEXSYNC_LOG_LEVEL: 'warn',
    ...extraEnv,
  });
}

/** A port that was free a moment ago: nexsync's public URL (and so the simulator's --app-url) must be
 * known before it starts. */
export async function freePort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export const simAdmin = 'e2e-sim-admin';

/** The simulator and nexsync wired to each other: nexsync on a known port as the simulator's app URL
 * (OAuth redirects and webhooks reach it), the simulator as nexsync's Shopify. */
export async function startSimAndServer(databaseUrl, simArgs = []) {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const sim = await startListening(`${bin}/shopify-sim`, [
    '--listen', '127.0.0.1:0', '--app-key', 'e2e-api-key', '--app-secret', 'e2e-api-secret', '--app-url', appUrl,
    '--admin-token', simAdmin, '--log-level', 'warn', ...simArgs]);
  const server = await startServer(databaseUrl, {
    NEXSYNC_LISTEN: `127.0.0.1:${port}`,
    NEXSYNC_PUBLIC_URL: appUrl,
    NEXSYNC_SHOPIFY_SHOP_URL: `${sim.url}/shops/{shop}`,
  });
  return { sim, server };
}

/** Headless Debian chromium. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Signs in through the login page. */
export async function signIn(page, baseUrl, email, pw = password) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', pw);
  await page.click('button[type=submit]');
}
