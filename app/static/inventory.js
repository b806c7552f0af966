// Inventory pages: Add item (list page) and Adjust Stock (item page) through the JSON API.
(function () {
  function showError(el, res) {
    el.textContent = (res.data && res.data.message) || `The request failed (${res.status}).`;
    el.hidden = false;
  }

  const addForm = document.getElementById('add-item-form');
  if (addForm) {
    addForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = new FormData(addForm);
      const body = { sku: f.get('sku'), title: f.get('title'), price: f.get('price') || '0' };
      const q = f.get('quantity');
      if (q !== '' && q !== null) body.quantity = Number(q);
      const button = addForm.querySelector('button');
      button.disabled = true;
      const res = await window.nexsync.api('POST', '/api/inventory', body);
      button.disabled = false;
      if (res.ok) window.location.href = '/inventory/' + encodeURIComponent(res.data.item.sku);
      else showError(document.getElementById('add-error'), res);
    });
  }

  const adjustForm = document.getElementById('adjust-form');
  if (adjustForm) {
    adjustForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = new FormData(adjustForm);
      const amount = f.get('amount');
      const body = { note: f.get('note') };
      body[f.get('mode') === 'quantity' ? 'quantity' : 'delta'] = amount.trim() === '' ? null : Number(amount);
      const button = adjustForm.querySelector('button');
      button.disabled = true;
      const res = await window.nexsync.api('POST', adjustForm.dataset.url, body);
      button.disabled = false;
      if (res.ok) window.location.reload();
      else showError(document.getElementById('adjust-error'), res);
    });
  }
})();
