// "Copy" buttons: <button data-copy="ID"> copies the value of the field #ID and says so
// in its status (a live region, data-copy-status="ID of the status element").
// A file, not an inline script: the Content Security Policy allows only our own files.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field) continue;
    button.hidden = false; // without JavaScript the field stays, to copy by hand
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = button.dataset.copied || "";
      } catch {
        // No clipboard (an insecure origin, a refused permission): select the text, so
        // Ctrl+C / Cmd+C copies it.
        field.focus();
        field.select();
        if (status) status.textContent = button.dataset.copyFailed || "";
      }
    });
  }
});
