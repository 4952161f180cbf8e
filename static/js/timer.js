// The study timer's clock (progress/_timer.html). It counts on from the seconds the server
// measured when it drew the timer, so a wrong clock on this device does not matter; the
// start itself is kept on the server. A file, not an inline script: the Content Security
// Policy allows only our own files.
(() => {
  const origins = new WeakMap();
  const pad = (n) => String(n).padStart(2, "0");
  function tick() {
    for (const el of document.querySelectorAll("[data-timer-seconds]")) {
      if (!origins.has(el)) {
        origins.set(el, performance.now() - Number(el.dataset.timerSeconds) * 1000);
      }
      const total = Math.max(0, Math.floor((performance.now() - origins.get(el)) / 1000));
      const hours = Math.floor(total / 3600);
      el.textContent = `${hours}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
    }
  }
  setInterval(tick, 1000);
})();
