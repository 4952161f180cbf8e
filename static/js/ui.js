// The shell's small behaviours. A file, not an inline script: the Content Security Policy
// allows only our own files. Hand-written because each is a few lines (a disclosure button
// and a confirmation), less than any library would add.
(() => {
  // Phones: the navigation folds into a "Menu" disclosure button (WAI-ARIA disclosure
  // pattern). Without JavaScript the button stays hidden and the links simply wrap.
  const nav = document.querySelector(".site-nav");
  const toggle = nav && nav.querySelector(".nav-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && menu) {
    nav.classList.add("js-nav");
    toggle.hidden = false;
    const setOpen = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    };
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Destructive actions ask first: <form data-confirm="Delete this entry?">. htmx forms use
  // hx-confirm instead (htmx asks before its request).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.hasAttribute("hx-confirm")) {
      return;
    }
    // eslint-disable-next-line no-alert
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
