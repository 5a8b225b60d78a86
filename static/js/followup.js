// The reporter's form: after "Lägg till insats" has added a row (htmx), move the focus to
// the new row's first field, so keyboard and screen reader users land where they can type.
document.addEventListener("htmx:afterSwap", function (event) {
  "use strict";
  if (!event.detail.target || event.detail.target.id !== "insats-lista") return;
  var rows = event.detail.target.querySelectorAll("fieldset.insats");
  var row = rows[rows.length - 1];
  var field = row && row.querySelector("input:not([type=hidden]), textarea, select");
  if (field) field.focus();
});
