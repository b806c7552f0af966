// The Two-Way Sync panel: a button runs a sync (the request stays open until the run ends); the
// server-sent status stream shows who runs what, so every tab and every user sees the same state.
(function () {
  const panel = document.getElementById('sync-panel');
  if (!panel) return;
  const buttons = Array.from(panel.querySelectorAll('button[data-direction]'));
  const progress = document.getElementById('sync-progress');
  const banner = document.getElementById('sync-banner');
  const history = document.querySelector('#sync-history tbody');
  const labels = {
    products: 'Importing products', customers: 'Importing customers', orders: 'Importing orders',
    inventory: 'Pushing inventory', webhook: 'Applying Shopify webhooks', reconcile: 'Reconciling orders',
    sweep: 'Checking recent orders',
  };
  const fmt = (n) => Number(n).toLocaleString('en-US');
  let clicked = null;   // the direction this tab started and waits for
  let running = null;   // what the last status said runs

  function duration(seconds) {
    if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
    const m = Math.round(seconds / 60);
    return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
  }

  function show(run) {
    running = run;
    for (const b of buttons) {
      const mine = run && b.dataset.direction === run.direction;
      b.disabled = !!run;
      b.classList.toggle('running', !!mine);
      b.setAttribute('aria-busy', mine ? 'true' : 'false');
    }
    if (!run) {
      progress.hidden = true;
      return;
    }
    let text = `${labels[run.direction] || run.direction}: ${fmt(run.done)}`;
    if (run.total > 0) text += ` / ${fmt(run.total)}`;
    const elapsed = (Date.now() - run.started_ms) / 1000;
    if (run.total > run.done && run.done > 0 && elapsed >= 1) {
      text += `, about ${duration(((run.total - run.done) * elapsed) / run.done)} left`;
    }
    progress.textContent = text;
    progress.hidden = false;
  }

  function result(r) {
    banner.textContent = '';
    if (r.error) {
      banner.className = 'banner error';
      banner.textContent = r.error;
    } else {
      banner.className = 'banner ok';
      banner.append(`✓ Synced ${fmt(r.synced)} items, `);
      if (r.skipped > 0 && r.run_id) {
        const a = document.createElement('a');
        a.href = `/integrations/runs/${r.run_id}`;
        a.id = 'skipped-link';
        a.textContent = `${fmt(r.skipped)} skipped`;
        banner.append(a);
      } else {
        banner.append(`${fmt(r.skipped)} skipped`);
      }
      if (r.failed > 0) banner.append(`, ${fmt(r.failed)} failed`);
    }
    banner.hidden = false;
  }

  async function loadHistory() {
    const res = await window.nexsync.api('GET', '/api/integrations/shopify/runs');
    if (!res.ok) return;
    history.textContent = '';
    for (const run of res.data.runs) {
      const tr = document.createElement('tr');
      const cells = [run.started_at, run.direction, run.trigger, fmt(run.synced), null, fmt(run.failed),
        run.seconds === null || run.seconds === undefined ? '' : Number(run.seconds).toFixed(1), run.error || ''];
      cells.forEach((value, i) => {
        const td = document.createElement('td');
        if (i === 4 && run.skipped > 0) {
          const a = document.createElement('a');
          a.href = `/integrations/runs/${run.id}`;
          a.textContent = fmt(run.skipped);
          td.append(a);
        } else {
          td.textContent = i === 4 ? fmt(run.skipped) : value;
        }
        tr.append(td);
      });
      history.append(tr);
    }
  }

  for (const b of buttons) {
    b.addEventListener('click', async () => {
      clicked = b.dataset.direction;
      banner.hidden = true;
      show({ direction: clicked, trigger: 'manual', done: 0, total: 0, started_ms: Date.now() });
      const res = await window.nexsync.api('POST', '/api/integrations/shopify/sync', { direction: clicked });
      clicked = null;
      if (res.status !== 409) show(null);  // our run is over; the stream reports anything that runs next
      if (res.status === 200) result(res.data);
      else result({ error: (res.data && res.data.message) || `The sync could not run (${res.status}).` });
      loadHistory();
    });
  }

  // The stream: status whenever it changes. A run that ends while this tab did not start it still
  // shows its result (another tab or another user clicked).
  const stream = new EventSource('/api/integrations/shopify/events');
  stream.addEventListener('status', (ev) => {
    const st = JSON.parse(ev.data);
    const before = running;
    if (st.busy) {
      show(st.running);
    } else if (!clicked) {
      show(null);
      if (before && before.trigger === 'manual') {
        const last = (st.last || []).find((r) => r.direction === before.direction);
        if (last) result(last);
      }
      if (before) loadHistory();
    }
  });
  loadHistory();
})();
