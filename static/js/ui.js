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

  // Destructive actions (deleting, revoking, removing, leaving) are drawn apart (app.css, by
  // their form's action) and ask first, naming what they do: "Delete X?". htmx forms that
  // carry hx-confirm are asked by htmx itself.
  const DESTRUCTIVE = /\/(delete|revoke|remove|leave)\/?$/;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-confirm")) return;
    // A form that posts to its own page is on a confirmation page already: no second ask.
    if (!form.dataset.confirm && !form.getAttribute("action")) return;
    const action = new URL(form.action, window.location.href).pathname;
    if (!form.dataset.confirm && !DESTRUCTIVE.test(action)) return;
    const button = event.submitter;
    const label = (button && (button.getAttribute("aria-label") || button.textContent.trim())) || "";
    const question = form.dataset.confirm ||
      (document.body.dataset.confirmTemplate || "{action}?").replace("{action}", label);
    if (!window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
