() => {
  if (window.__qaEvidence) return;
  window.__qaEvidence = true;
  const send = (button, value) => {
    window.__qaRequest = value;
    const go = document.querySelector('#' + button);
    if (go) go.click();
  };
  const copy = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      const ok = document.execCommand('copy'); area.remove(); return ok;
    }
  };
  document.addEventListener('click', async (event) => {
    const el = event.target.closest('.qa-show-page, .qa-copy-md, .qa-remove');
    if (!el) return;
    event.preventDefault();
    if (el.classList.contains('qa-copy-md')) {
      const md = el.closest('.qa-tools').querySelector('.qa-md');
      const ok = await copy(md.textContent);
      el.textContent = ok ? 'Copied' : 'Copying failed: select the text instead';
      setTimeout(() => { el.textContent = 'Copy with sources'; }, 2500);
    } else if (el.classList.contains('qa-show-page')) {
      send('qa-page-go', el.value);
    } else {
      send('qa-remove-go', el.value);
    }
  });
}
