() => setTimeout(() => {
  const qs = document.querySelectorAll('#chat .qa-question');
  if (!qs.length) return;
  const q = qs[qs.length - 1];
  const box = q.closest('.bubble-wrap');
  if (box) box.scrollTop += q.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
}, 200)
