// Keyboard use of every page (issue 7). A file, not an inline script: the Content Security
// Policy allows only our own files.
(() => {
  const FOCUSABLE =
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

  // Links drawn as buttons (role="button") answer Space as buttons do, not only Enter: htmx
  // links such as "Edit" would otherwise do nothing, and the page would scroll instead.
  document.addEventListener("keydown", (event) => {
    if (event.key === " " && event.target instanceof Element && event.target.matches("a[role=button]")) {
      event.preventDefault();
      event.target.click();
    }
  });

  const visible = (el) => el.getClientRects().length > 0;
  const focusables = (root) =>
    [...(root.matches(FOCUSABLE) ? [root] : []), ...root.querySelectorAll(FOCUSABLE)].filter(visible);
  // What makes "the same control" once the HTML is new: its kind, name, value and text.
  const signature = (el) =>
    [el.tagName, el.getAttribute("name"), el.getAttribute("type"), el.getAttribute("value"),
     el.textContent.trim()].join("|");

  function focusAfterSwap(place) {
    let swapped = [];
    if (place.target.isConnected) {
      swapped = [place.target];
    } else if (place.id && document.getElementById(place.id)) {
      swapped = [document.getElementById(place.id)];
    } else if (place.parent.isConnected) {
      // outerHTML: the new content sits where the old target was, between its old siblings.
      let el = place.previous && place.previous.isConnected
        ? place.previous.nextElementSibling : place.parent.firstElementChild;
      while (el && el !== place.next) { swapped.push(el); el = el.nextElementSibling; }
    }
    const controls = swapped.flatMap(focusables);
    const choice =
      swapped.map((root) => root.querySelector("[aria-invalid=true]")).find(Boolean) ||
      controls.find((el) => signature(el) === place.signature) ||
      controls[0] ||
      // The content went away (a deleted row): the control next to it, else its container.
      [place.next, place.previous].filter((el) => el && el.isConnected).flatMap(focusables)[0];
    if (choice) {
      choice.focus();
      return;
    }
    const container = place.parent.isConnected &&
      place.parent.closest("table, section, form, main");
    if (container) {
      if (!container.matches(FOCUSABLE) && !container.hasAttribute("tabindex")) {
        container.setAttribute("tabindex", "-1");
      }
      container.focus();
    }
  }

  // An htmx swap that replaces the focused element drops the focus to <body>: a keyboard user
  // would start again from the top of the page. htmx puts it back only on an element with the
  // same id; otherwise it goes to the first invalid field of the new content, else to the
  // control that replaced the one just used, else to the first control of the new content.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const active = document.activeElement;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    const place = {
      target, id: target.id, parent: target.parentElement,
      previous: target.previousElementSibling, next: target.nextElementSibling,
      signature: signature(active),
    };
    // The swap runs in this same task, right after this event: look once it is done.
    queueMicrotask(() => {
      if (!document.activeElement || document.activeElement === document.body) {
        focusAfterSwap(place);
      }
    });
  });
})();
