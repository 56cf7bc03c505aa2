() => setTimeout(() => {
  // One scroll for the page: bring the new question to the top of the window (the chat does not scroll by itself).
  const qs = document.querySelectorAll('#chat .qa-question');
  if (qs.length) qs[qs.length - 1].scrollIntoView({ block: 'start', behavior: 'instant' });
}, 200)
