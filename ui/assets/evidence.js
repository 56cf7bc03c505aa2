() => {
  if (window.__qaEvidence) return;
  window.__qaEvidence = true;
  // gradio scopes the page's stylesheet to its content; the padding around that content is styled from here.
  const outer = document.createElement('style');
  outer.textContent = '@media (max-width: 700px) { .gradio-container > .main.fillable { padding-left: 6px !important; ' +
    'padding-right: 6px !important; } }';
  document.head.appendChild(outer);
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
  const setZoom = (view, zoom) => {
    view.setAttribute('data-zoom', String(zoom));
    view.querySelector('.qa-page').style.width = (100 * zoom) + '%';
  };
  // It opens at a zoom where the marked lines are at least as tall as the page's own body text (a phone shows a
  // whole PDF page at a third of that); without marks, where a 10-point line would be.
  const readableZoom = (view) => {
    const scroller = view.querySelector('.qa-page-scroll');
    const body = parseFloat(getComputedStyle(document.body).fontSize) || 16;
    const width = parseFloat(view.getAttribute('data-width')) || 612;
    const height = parseFloat(view.getAttribute('data-height')) || 792;
    const marks = [...view.querySelectorAll('.qa-page-mark')].map(m => parseFloat(m.style.height) / 100).filter(h => h > 0);
    marks.sort((a, b) => a - b);
    const linePt = marks.length ? Math.min(marks[Math.floor(marks.length / 2)] * height, 24) : 10;
    const shownPxPerPt = scroller.clientWidth / width;
    // A mark covers the glyphs' boxes, about four fifths of the font size: that is what is matched to the body text.
    return Math.min(4, Math.max(1, 0.8 * body / (linePt * shownPxPerPt)));
  };
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
  // Closing the page view: its Back button, Escape, or the browser's back (a phone's back gesture).
  const closeView = (fromHistory) => {
    const view = document.querySelector('#pageview .qa-pageview');
    if (!view) return;
    view.remove();
    const close = document.querySelector('#pageview-close');
    if (close) close.click();
    if (!fromHistory && history.state && history.state.qaPageView) history.back();
  };
  const opened = (view) => {
    view.setAttribute('data-shown', '1');
    setZoom(view, readableZoom(view));
    showMark(view);
    if (!(history.state && history.state.qaPageView)) history.pushState({ qaPageView: true }, '');
    const back = view.querySelector('.qa-back');
    if (back) back.focus({ preventScroll: true });
  };
  window.addEventListener('popstate', () => closeView(true));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && document.querySelector('#pageview .qa-pageview')) { event.preventDefault(); closeView(false); }
  });
  // Reports arrive in #upload-report and join the list in #reports, newest first; a report that grows (an upload,
  // then its rebuild) keeps its place, so no report ever replaces another.
  const logReports = () => {
    const log = document.querySelector('#reports .qa-report-log');
    if (!log) return;
    for (const box of document.querySelectorAll('#upload-report .qa-report-box')) {
      if (!box.id || box.getAttribute('data-logged') === box.innerHTML.length + '') continue;
      box.setAttribute('data-logged', box.innerHTML.length + '');
      const copy = box.cloneNode(true);
      copy.removeAttribute('data-logged');
      copy.id = 'log-' + box.id;
      const old = log.querySelector('#' + CSS.escape(copy.id));
      if (old) old.replaceWith(copy); else log.prepend(copy);
    }
  };
  // gradio writes some labels in English whatever the language, and labels each chat message with its HTML
  // source: relabel them in the page's language (qa.present.messages, sent as #qa-words) and with the message's text.
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
    if (w.tab_title && document.title !== w.tab_title) document.title = w.tab_title;
    // gradio's screen-reader status names an i18n key it has no words for
    for (const el of document.querySelectorAll('.sr-only')) {
      if (w.aria_complete && el.textContent.trim() === 'common.complete') el.textContent = w.aria_complete;
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
    if (view) opened(view);
    logReports();
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
      setZoom(view, next);
      showMark(view);
    } else if (el.classList.contains('qa-back')) {
      // Back to the answer: the overlay goes; the chat never moved, so the reader is where they were.
      closeView(false);
    } else if (el.classList.contains('qa-example')) {
      send('qa-example-go', el.value);
    } else if (el.classList.contains('qa-dismiss')) {
      const box = el.closest('.qa-report-box');
      const inbox = document.querySelector('#upload-report .qa-report-box');
      if (inbox && box.id === 'log-' + inbox.id) inbox.setAttribute('data-dismissed', '1');
      box.remove();
    } else {
      send('qa-remove-go', el.value);
    }
  });
}
