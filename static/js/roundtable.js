// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions marked with data-confirm.
  document.body.addEventListener("submit", (event) => {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Copy buttons (e.g. a new API token).
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (button) {
      const target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = "Copied";
      }
    }
  });
});
