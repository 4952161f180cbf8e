// Sign-up: preselect the browser's time zone when the visitor has not chosen one.
// A file, not an inline script: the Content Security Policy allows only our own files.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const select of document.querySelectorAll("select[data-detect-timezone]")) {
    if (!select.value && zone && select.querySelector(`option[value="${CSS.escape(zone)}"]`)) {
      select.value = zone;
    }
  }
});
