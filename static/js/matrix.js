// Keyboard behaviour of the allocation matrix, like a spreadsheet: Enter saves and moves
// down, Tab saves and moves right (the browser's own change event does the saving, through
// htmx), Escape puts back the saved value.
(function () {
  "use strict";

  function cellInput(row, index) {
    var cell = row && row.children[index];
    return cell ? cell.querySelector("input.amount") : null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("amount")) return;
    if (event.key === "Escape") {
      input.value = input.dataset.saved || "";
      event.preventDefault();
    } else if (event.key === "Enter") {
      // Leaving the field fires the browser's change event once; htmx saves on it.
      event.preventDefault();
      var cell = input.closest("td");
      var index = Array.prototype.indexOf.call(cell.parentElement.children, cell);
      var row = cell.parentElement.nextElementSibling;
      while (row && !cellInput(row, index)) row = row.nextElementSibling;
      var next = cellInput(row, index);
      if (next) { next.focus(); next.select(); } else { input.blur(); }
    }
  });
})();
