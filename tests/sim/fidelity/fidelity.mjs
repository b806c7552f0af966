// Drives shopify-sim with Shopify's own Admin API client: a paginated query, the cost extension, and a
// throttled response. Exits non-zero on the first mismatch.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { createAdminApiClient } from '@shopify/admin-api-client';

const simPath = process.argv[2];
assert.ok(simPath, 'usage: node fidelity.mjs /path/to/shopify-sim');
const ADMIN = 'fidelity-admin';
const SHOP = 'fidelity-shop';

const sim = spawn(simPath, ['--listen', '127.0.0.1:0', '--app-key', 'fid-key', '--app-secret', 'fid-secret',
  '--app-url', 'http://127.0.0.1:9', '--admin-token', ADMIN], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: sim.stdout });
  lines.on('line', (line) => {
    const m = /shopify-sim listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    if (m) resolve(Number(m[1]));
  });
  sim.on('exit', (code) => reject(new Error(`shopify-sim exited early (${code})`)));
});
const base = `http://127.0.0.1:${port}`;

async function control(method, path, body) {
  const res = await fetch(`${base}/_sim${path}`, {
    method, headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

let failed = false;
try {
  assert.equal((await control('POST', '/shops', { name: SHOP, products: 120, variants_per_product: 2, customers: 5, orders: 5 })).status, 201);
  const { json: { access_token: accessToken } } = await control('POST', `/shops/${SHOP}/tokens`, {});

  // Shopify's client always builds https://{shop}/admin/api/...; its customFetchApi hook lets us send the
  // same request to the simulator's /shops/{shop} prefix on loopback.
  const client = createAdminApiClient({
    storeDomain: `${SHOP}.myshopify.com`,
    apiVersion: '2026-10',
    accessToken,
    logger: () => {},
    customFetchApi: (url, init) => fetch(String(url).replace(`https://${SHOP}.myshopify.com`, `${base}/shops/${SHOP}`), init),
  });

  // 1. Paginated query with variables.
  const query = `query Products($after: String) {
    products(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id title variants(first: 5) { nodes { id sku } } }
    }
  }`;
  let after = null;
  let pages = 0;
  const ids = new Set();
  let lastCost;
  do {
    const { data, errors, extensions } = await client.request(query, { variables: { after } });
    assert.equal(errors, undefined, JSON.stringify(errors));
    for (const p of data.products.nodes) ids.add(p.id);
    after = data.products.pageInfo.hasNextPage ? data.products.pageInfo.endCursor : null;
    lastCost = extensions.cost;
    pages += 1;
    assert.ok(pages <= 5);
  } while (after);
  assert.equal(pages, 3);
  assert.equal(ids.size, 120);
  console.log(`paginated: ${pages} pages, ${ids.size} products`);

  // 2. The cost extension as the client exposes it.
  assert.equal(lastCost.requestedQueryCost, 2 + 50 * (1 + 2 + 5));
  assert.equal(lastCost.actualQueryCost, 2 + 20 * (1 + 2 + 2));
  assert.equal(lastCost.throttleStatus.maximumAvailable, 2000);
  assert.equal(lastCost.throttleStatus.restoreRate, 100);
  assert.ok(lastCost.throttleStatus.currentlyAvailable < 2000);
  console.log(`cost: ${JSON.stringify(lastCost)}`);

  // 3. A throttled response: a small, slowly refilling bucket.
  assert.equal((await control('PUT', `/shops/${SHOP}/faults`, { bucket_size: 500, restore_rate: 1 })).status, 200);
  let throttled;
  for (let i = 0; i < 5 && !throttled; i += 1) {
    const res = await client.request(query, { variables: { after: null } });
    if (res.errors) throttled = res;
  }
  assert.ok(throttled, 'expected a THROTTLED response');
  assert.equal(throttled.errors.networkStatusCode, 200);
  assert.equal(throttled.errors.graphQLErrors[0].extensions.code, 'THROTTLED');
  assert.equal(throttled.errors.graphQLErrors[0].message, 'Throttled');
  assert.equal(throttled.extensions.cost.actualQueryCost, null);
  assert.equal(throttled.extensions.cost.throttleStatus.maximumAvailable, 500);
  console.log(`throttled: ${JSON.stringify(throttled.errors.graphQLErrors[0])}`);

  // 4. MAX_COST_EXCEEDED as a GraphQL error the client surfaces.
  const big = await client.request('{ products(first: 50) { nodes { id variants(first: 20) { nodes { id } } } } }');
  assert.equal(big.errors.graphQLErrors[0].extensions.code, 'MAX_COST_EXCEEDED');
  assert.equal(big.errors.graphQLErrors[0].extensions.cost, 1152);
  console.log('fidelity: ok');
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  sim.kill('SIGTERM');
}
process.exit(failed ? 1 : 0);
