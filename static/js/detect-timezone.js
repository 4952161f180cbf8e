// Time zone pickers (select[data-detect-timezone]): the browser's own zone goes first
// in the "Suggested" group, and is preselected when the person has not chosen one.
// A file, not an inline script: the Content Security Policy allows only our own files.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  for (const select of document.querySelectorAll("select[data-detect-timezone]")) {
    const option = select.querySelector(`option[value="${CSS.escape(zone)}"]`);
    if (!option) continue;  // an alias the list does not offer
    // The form always renders the suggestions as the first group (accounts/timezones.py).
    const suggested = select.querySelector("optgroup");
    if (suggested && option.parentElement !== suggested) {
      const copy = option.cloneNode(true);
      copy.textContent = zone.replaceAll("_", " ");
      suggested.prepend(copy);
    }
    if (!select.value) select.value = zone;
  }
});
