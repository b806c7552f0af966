// Browser helpers shared by every page: JSON calls carry the page's CSRF token.
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  window.nexsync = {
    csrf: meta ? meta.content : '',
    async api(method, url, body) {
      const res = await fetch(url, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': window.nexsync.csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      return { status: res.status, ok: res.ok, data };
    },
  };
})();
