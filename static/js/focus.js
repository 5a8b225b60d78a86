// After a form is sent back with errors, move focus to its error summary (the first one on
// the page), so a keyboard or screen reader user starts at the list of what to correct.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary || (document.activeElement && document.activeElement !== document.body)) return;
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
});
