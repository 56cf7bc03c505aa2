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
  // The page view: zoom changes the image's width (1 = the overlay's width); the first mark is brought into view.
  const showMark = (view) => {
    view = view || document.querySelector('#pageview .qa-pageview');
    if (!view) return;
    const scroller = view.querySelector('.qa-page-scroll');
    const mark = view.querySelector('.qa-page-mark');
    const place = () => {
      if (!mark) return;
      scroller.scrollTop = mark.offsetTop - scroller.clientHeight / 4;
      scroller.scrollLeft = Math.max(0, mark.offsetLeft - 16);
    };
    const img = view.querySelector('.qa-page-img');
    if (img && !img.complete) img.addEventListener('load', place, { once: true }); else place();
  };
  window.__qaShowMark = () => showMark();
  // gradio writes some labels in English whatever the language, and labels each chat message with its HTML
  // source: relabel them in the page's language (qa.messages, sent as #qa-words) and with the message's text.
  const relabel = () => {
    const holder = document.querySelector('#qa-words [data-words]');
    let w = {};
    try { w = holder ? JSON.parse(holder.getAttribute('data-words')) : {}; } catch (e) { w = {}; }
    const set = (el, text) => { if (text && el.getAttribute('aria-label') !== text) el.setAttribute('aria-label', text); };
    for (const el of document.querySelectorAll('#chat [aria-label]')) {
      const label = el.getAttribute('aria-label');
      if (label === 'chatbot conversation') set(el, w.aria_conversation);
      else if (/^(user's|bot's) message/.test(label)) set(el, el.innerText.trim().slice(0, 500));
    }
    for (const el of document.querySelectorAll('[aria-label="Reset to default value"]')) set(el, w.aria_reset);
    for (const el of document.querySelectorAll('[aria-label="Click to upload or drop files"]')) set(el, w.aria_upload);
    for (const el of document.querySelectorAll('[aria-label^="number input for "], [aria-label^="range slider for "]')) {
      const label = el.getAttribute('aria-label');
      const key = label.startsWith('number') ? 'aria_number' : 'aria_slider';
      if (w[key]) set(el, w[key].replace('{label}', label.replace(/^(number input|range slider) for /, '')));
    }
  };
  new MutationObserver(() => {
    const view = document.querySelector('#pageview .qa-pageview:not([data-shown])');
    if (view) { view.setAttribute('data-shown', '1'); showMark(view); }
    relabel();
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
  document.addEventListener('click', async (event) => {
    const el = event.target.closest('.qa-show-page, .qa-copy-md, .qa-remove, .qa-zoom, .qa-back, .qa-example, .qa-dismiss');
    if (!el) return;
    event.preventDefault();
    if (el.classList.contains('qa-copy-md')) {
      const md = el.closest('.qa-tools').querySelector('.qa-md');
      let words = { copied: 'Copied', failed: 'Copying failed: select the text instead', label: el.textContent };
      try { words = JSON.parse(el.value); } catch (e) { /* older replies carry no words */ }
      const ok = await copy(md.textContent);
      el.textContent = ok ? words.copied : words.failed;
      setTimeout(() => { el.textContent = words.label; }, 2500);
    } else if (el.classList.contains('qa-show-page')) {
      send('qa-page-go', el.value);
    } else if (el.classList.contains('qa-zoom')) {
      const view = el.closest('.qa-pageview');
      const zoom = parseFloat(view.getAttribute('data-zoom') || '1');
      const next = el.value === 'in' ? Math.min(4, zoom * 1.25) : el.value === 'out' ? Math.max(0.5, zoom / 1.25) : 1;
      view.setAttribute('data-zoom', String(next));
      view.querySelector('.qa-page').style.width = (100 * next) + '%';
      showMark(view);
    } else if (el.classList.contains('qa-back')) {
      // Back to the answer: the overlay goes; the chat never moved, so the reader is where they were.
      const close = document.querySelector('#pageview-close');
      el.closest('.qa-pageview').remove();
      if (close) close.click();
    } else if (el.classList.contains('qa-example')) {
      send('qa-example-go', el.value);
    } else if (el.classList.contains('qa-dismiss')) {
      el.closest('.qa-report-box').remove();
    } else {
      send('qa-remove-go', el.value);
    }
  });
}
