// The allocation matrix as a spreadsheet. Typing a cell and leaving it saves it (htmx, on the
// browser's change event). This script adds the keys (arrows, Enter, Escape, Ctrl+Z,
// Shift+F2), pasting a block from Excel or LibreOffice into many cells, the summary of
// changed cells with Spara / Avbryt, the warning before leaving with unsaved values, the
// comment dialog, and retrying the cells refused for a missing reason once one is given.
//
// Amounts are never parsed here: the server reads them (funds/money.py) and names any bad one.
(function () {
  "use strict";

  var table = document.querySelector("table.matrix");
  var form = document.getElementById("matrix-form");
  if (!table || !form || !table.querySelector("input.amount")) return;

  var pending = document.getElementById("pending");
  var summary = document.getElementById("pending-summary");
  var pasteError = document.getElementById("paste-error");
  var submitting = false;

  function isAmount(element) {
    return element instanceof HTMLInputElement && element.classList.contains("amount");
  }

  function cellOf(input) {
    return input.closest("td");
  }

  function columnOf(input) {
    var cell = cellOf(input);
    return Array.prototype.indexOf.call(cell.parentElement.children, cell);
  }

  function inputAt(row, column) {
    var cell = row && row.children[column];
    return cell ? cell.querySelector("input.amount") : null;
  }

  // The same column in the next (or previous) row that has inputs: group heads and
  // subtotals are skipped, across the groups' tbody elements.
  function vertical(input, step) {
    var column = columnOf(input);
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var index = rows.indexOf(cellOf(input).parentElement) + step;
    for (; index >= 0 && index < rows.length; index += step) {
      var next = inputAt(rows[index], column);
      if (next) return next;
    }
    return null;
  }

  function horizontal(input, step) {
    var cell = cellOf(input)[step > 0 ? "nextElementSibling" : "previousElementSibling"];
    return cell ? cell.querySelector("input.amount") : null;
  }

  function move(target) {
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }

  // The caret rules people know from spreadsheets: left and right move to the next cell only
  // at the text's edge (or when the whole text is selected, as right after arriving).
  function atEdge(input, step) {
    var start = input.selectionStart, end = input.selectionEnd, length = input.value.length;
    if (start === 0 && end === length) return true;
    return start === end && (step < 0 ? start === 0 : end === length);
  }

  function rowsOfInputs() {
    return Array.prototype.slice
      .call(table.querySelectorAll("tbody tr"))
      .map(function (row) { return Array.prototype.slice.call(row.querySelectorAll("input.amount")); })
      .filter(function (inputs) { return inputs.length > 0; });
  }

  function cellName(input) {
    return input.getAttribute("aria-label").replace(", ", " × ");
  }

  // --- Changed cells and the summary bar -----------------------------------------------

  function changed(input) {
    return input.value !== (input.dataset.saved || "");
  }

  // Cells whose value differs from the saved one and that are not on their way to the
  // server: pasted cells, and typed values that were refused. The cell being typed in is
  // not counted until it is left (leaving it saves it).
  function unsaved() {
    return Array.prototype.filter.call(table.querySelectorAll("input.amount"), function (input) {
      if (!changed(input) || input.classList.contains("htmx-request")) return false;
      return input !== document.activeElement || Boolean(input.dataset.pasted);
    });
  }

  function refresh() {
    var cells = unsaved();
    table.querySelectorAll("td.pending").forEach(function (cell) {
      if (!changed(cell.querySelector("input.amount"))) cell.classList.remove("pending");
    });
    cells.forEach(function (input) { cellOf(input).classList.add("pending"); });
    if (!pending) return;
    pending.hidden = cells.length === 0;
    summary.textContent = cells.length === 1 ? "1 cell ändrad" : cells.length + " celler ändrade";
  }

  function cancelAll() {
    table.querySelectorAll("input.amount").forEach(function (input) {
      if (changed(input)) input.value = input.dataset.saved || "";
      delete input.dataset.pasted;
    });
    hidePasteError();
    refresh();
  }

  function showPasteError(text) {
    pasteError.textContent = text;
    pasteError.hidden = false;
  }

  function hidePasteError() {
    pasteError.hidden = true;
    pasteError.textContent = "";
  }

  // --- Paste ---------------------------------------------------------------------------

  function parseBlock(text) {
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    return lines.map(function (line) { return line.split("\t"); });
  }

  table.addEventListener("paste", function (event) {
    var input = event.target;
    if (!isAmount(input)) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    var block = parseBlock(text);
    // One value: the browser pastes it into the cell like any text.
    if (block.length === 1 && block[0].length === 1) return;
    event.preventDefault();
    hidePasteError();
    var rows = rowsOfInputs();
    var top = -1, left = -1;
    rows.forEach(function (inputs, index) {
      var at = inputs.indexOf(input);
      if (at >= 0) { top = index; left = at; }
    });
    var width = Math.max.apply(null, block.map(function (line) { return line.length; }));
    var rowsLeft = rows.length - top, columnsLeft = rows[top].length - left;
    if (block.length > rowsLeft || width > columnsLeft) {
      showPasteError(
        "Inklistringen får inte plats: urklippet har " + block.length + " rader och " + width +
        " kolumner, men från " + cellName(input) + " finns bara " + rowsLeft + " rader och " +
        columnsLeft + " kolumner kvar i tabellen. Inget ändrades."
      );
      return;
    }
    block.forEach(function (line, r) {
      line.forEach(function (value, c) {
        var target = rows[top + r][left + c];
        target.value = value.trim();
        target.dataset.pasted = "true";
      });
    });
    input.select();
    refresh();
  });

  // A pasted cell waits for Spara: leaving it does not save it alone. Typing in it does.
  table.addEventListener("input", function (event) {
    if (isAmount(event.target)) delete event.target.dataset.pasted;
  });
  document.body.addEventListener("htmx:confirm", function (event) {
    if (isAmount(event.target) && event.target.dataset.pasted) event.preventDefault();
  });

  // Spara: post only the changed cells with their versions, as one field (a large block
  // would pass the server's limit on the number of form fields), all or nothing.
  form.addEventListener("submit", function () {
    var cells = [];
    table.querySelectorAll("input.amount").forEach(function (input) {
      var version = cellOf(input).querySelector('input[type="hidden"]');
      if (changed(input)) cells.push([input.name.replace("amount-", ""), input.value, version.value]);
      input.disabled = true;
      version.disabled = true;
    });
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "celler";
    field.value = JSON.stringify(cells);
    form.appendChild(field);
    submitting = true;
  });
  // Coming back with the browser's Back button shows the page as it was left.
  window.addEventListener("pageshow", function () {
    table.querySelectorAll("input:disabled").forEach(function (input) { input.disabled = false; });
    var field = form.querySelector('input[name="celler"]');
    if (field) field.remove();
    submitting = false;
  });
  if (pending) document.getElementById("pending-cancel").addEventListener("click", cancelAll);

  // --- Keys ------------------------------------------------------------------------------

  function undoButton() {
    return document.getElementById("undo-button");
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && !event.shiftKey && !event.altKey && (event.key === "z" || event.key === "Z")) {
      // Inside a cell with typed text, or any other text field, Ctrl+Z undoes typing.
      var typing = isAmount(target) ? changed(target) : target.matches("input, textarea, select");
      if (typing || !undoButton()) return;
      event.preventDefault();
      undoButton().click();
      return;
    }
    if (!isAmount(target)) return;
    var next = null;
    switch (event.key) {
      case "ArrowUp": next = vertical(target, -1); break;
      case "ArrowDown": next = vertical(target, 1); break;
      case "ArrowLeft": if (atEdge(target, -1)) next = horizontal(target, -1); else return; break;
      case "ArrowRight": if (atEdge(target, 1)) next = horizontal(target, 1); else return; break;
      case "Enter":
        event.preventDefault();
        // Leaving the field fires the browser's change event once; htmx saves on it.
        if (!move(vertical(target, event.shiftKey ? -1 : 1))) target.blur();
        return;
      case "Escape":
        event.preventDefault();
        target.value = target.dataset.saved || "";
        delete target.dataset.pasted;
        refresh();
        return;
      case "F2":
        if (event.shiftKey) { event.preventDefault(); openComment(target); }
        return;
      default: return;
    }
    event.preventDefault();
    move(next);
  });

  table.addEventListener("focusout", function () { window.setTimeout(refresh, 0); });
  document.body.addEventListener("htmx:afterSettle", refresh);

  // --- Leaving with unsaved values ---------------------------------------------------------

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    var any = Array.prototype.some.call(table.querySelectorAll("input.amount"), changed);
    if (any) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- The decided year's reason ---------------------------------------------------------

  // Once a reason is given, the cells refused for want of one are saved again.
  document.body.addEventListener("matrixReasonSaved", function () {
    table.querySelectorAll('.cell-error[data-code="reason_required"]').forEach(function (error) {
      var input = cellOf(error).querySelector("input.amount");
      if (input) htmx.trigger(input, "change");
    });
  });

  // --- Comments -----------------------------------------------------------------------------

  var dialog = document.getElementById("comment-dialog");
  var commentForm = document.getElementById("comment-form");
  var commentText = commentForm ? commentForm.querySelector("textarea") : null;
  var commentError = document.getElementById("comment-error");
  var commentInput = null;

  function openComment(input) {
    if (!dialog || typeof dialog.showModal !== "function") return;
    var mark = cellOf(input).querySelector(".comment-mark");
    commentInput = input;
    // The cell's input is named amount-<area>-<recipient>; its comment URL ends in them.
    var ids = input.name.replace("amount-", "").split("-");
    commentForm.action = table.dataset.commentUrl + ids[0] + "/" + ids[1] + "/";
    document.getElementById("comment-cell").textContent = cellName(input);
    commentText.value = mark ? mark.dataset.comment : "";
    commentError.hidden = true;
    dialog.showModal();
    commentText.focus();
  }

  if (dialog) {
    table.addEventListener("click", function (event) {
      var mark = event.target.closest(".comment-mark");
      if (!mark) return;
      event.preventDefault();
      openComment(cellOf(mark).querySelector("input.amount"));
    });
    document.getElementById("comment-cancel").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (commentInput) commentInput.focus();
    });
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(commentForm.action, {
        method: "POST",
        body: new FormData(commentForm),
        headers: { "HX-Request": "true" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) {
            commentError.textContent = body;
            commentError.hidden = false;
            return;
          }
          var cell = cellOf(commentInput);
          var typed = commentInput.value;
          cell.innerHTML = body;
          htmx.process(cell);
          commentInput = cell.querySelector("input.amount");
          // Keep a value typed but not yet saved.
          if (commentInput && typed !== commentInput.value) commentInput.value = typed;
          dialog.close();
          refresh();
        });
      });
    });
  }

  refresh();
})();
