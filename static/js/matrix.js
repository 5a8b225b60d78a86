// The allocation matrix as a spreadsheet. One save model: every change saves at once and can
// be undone. Typing a cell and leaving it saves it (htmx, on the browser's change event); a
// block pasted from Excel or LibreOffice saves as one batch, all or nothing. This script adds
// the keys (arrows, Enter, Escape, Ctrl+Z, Shift+F2 for the comment, Shift+F3 for the
// history), the buttons for the chosen cell's history and comment, the skip link to the
// table, keeping the focus on the cell across a save, an undo or a visit to the history,
// the summary of cells a refused save left unsaved (Försök spara igen / Ta bort), the warning
// before leaving with unsaved values, the comment dialog, and retrying the cells refused for
// a missing reason once one is given.
//
// A cell's markup is lean (funds/allocation/matrix.py, cell_content_html): its URLs and its
// name are worked out here from the input's name, amount-<area>-<recipient>, and from the
// row and column headings; its saved value is the input's default value (or data-saved).
//
// Amounts are never parsed here: the server reads them (funds/money.py) and names any bad one.
(function () {
  "use strict";

  var AMOUNT = 'input[name^="amount-"]';
  var table = document.querySelector("table.matrix");
  var form = document.getElementById("matrix-form");
  if (!table || !form || !table.querySelector(AMOUNT)) return;
  var FOCUS_KEY = "matrix-focus:" + window.location.pathname;

  var pending = document.getElementById("pending");
  var summary = document.getElementById("pending-summary");
  var pasteError = document.getElementById("paste-error");
  var submitting = false;

  function isAmount(element) {
    return element instanceof HTMLInputElement && element.name.indexOf("amount-") === 0;
  }

  function amounts() {
    return table.querySelectorAll(AMOUNT);
  }

  // [area id, recipient id] of a cell's input.
  function idsOf(input) {
    return input.name.slice("amount-".length).split("-");
  }

  function cellUrl(prefix, input) {
    var ids = idsOf(input);
    return prefix + ids[0] + "/" + ids[1] + "/";
  }

  // htmx saves a cell on change once it has its URL; given when the cell is first entered.
  function arm(input) {
    if (input.hasAttribute("hx-post")) return;
    input.setAttribute("hx-post", cellUrl(table.dataset.saveUrl, input));
    htmx.process(input);
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
    return cell ? cell.querySelector(AMOUNT) : null;
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
    return cell ? cell.querySelector(AMOUNT) : null;
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
      .map(function (row) { return Array.prototype.slice.call(row.querySelectorAll(AMOUNT)); })
      .filter(function (inputs) { return inputs.length > 0; });
  }

  // "Recipient × 1. Area", from the row's and the column's headings.
  function cellName(input) {
    var ids = idsOf(input);
    var row = document.getElementById("r" + ids[1]), column = document.getElementById("c" + ids[0]);
    return (row ? row.textContent : "") + " × " + (column ? column.textContent : "");
  }

  // --- The chosen cell: its tools, and the focus kept across a reload -----------------------

  var chosen = null;
  var tools = document.getElementById("cell-tools");
  var historyLink = document.getElementById("cell-history");

  function current() {
    if (chosen && !chosen.isConnected) chosen = document.getElementById(chosen.id);
    return chosen;
  }

  function choose(input) {
    chosen = input;
    arm(input);
    document.getElementById("cell-tools-name").textContent = cellName(input);
    historyLink.href = cellUrl(table.dataset.historyUrl, input);
  }

  // The cell to come back to after the page is loaded again (a batch save, an undo, the
  // history and back), for this page only.
  function remember() {
    var input = current();
    if (input) window.sessionStorage.setItem(FOCUS_KEY, input.id);
  }

  function restore() {
    var id = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
    var input = id && document.getElementById(id);
    if (!input) return;
    choose(input);
    input.focus();
    input.select();
  }

  function openHistory() {
    remember();
    window.location.href = historyLink.href;
  }

  // --- Changed cells and the summary bar -----------------------------------------------

  function saved(input) {
    return input.dataset.saved !== undefined ? input.dataset.saved : input.defaultValue;
  }

  function changed(input) {
    return input.value !== saved(input);
  }

  // Cells whose value differs from the saved one and that are not on their way to the
  // server: what a refused save left. The cell being typed in is not counted until it is
  // left (leaving it saves it).
  function unsaved() {
    return Array.prototype.filter.call(amounts(), function (input) {
      if (!changed(input) || input.classList.contains("htmx-request")) return false;
      return input !== document.activeElement;
    });
  }

  function refresh() {
    var cells = unsaved();
    table.querySelectorAll("td.pending").forEach(function (cell) {
      if (!changed(cell.querySelector(AMOUNT))) cell.classList.remove("pending");
    });
    cells.forEach(function (input) { cellOf(input).classList.add("pending"); });
    if (!pending) return;
    pending.hidden = cells.length === 0;
    summary.textContent = cells.length === 1 ? "1 cell ändrad" : cells.length + " celler ändrade";
  }

  function cancelAll() {
    amounts().forEach(function (input) {
      if (changed(input)) input.value = saved(input);
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
        rows[top + r][left + c].value = value.trim();
      });
    });
    // Saved at once, as one batch: the page comes back with the focus on this cell.
    choose(input);
    form.requestSubmit();
  });

  // Leaving a changed cell saves it alone, unless a refused save left other cells unsaved:
  // then they are saved together with it, as one batch, once the focus has moved on.
  document.body.addEventListener("htmx:confirm", function (event) {
    var input = event.target;
    if (!isAmount(input)) return;
    var others = unsaved().filter(function (other) { return other !== input; });
    if (others.length === 0) return;
    event.preventDefault();
    window.setTimeout(function () { form.requestSubmit(); }, 0);
  });

  // A save of many cells posts only the changed cells with their versions, as one field (a
  // large block would pass the server's limit on the number of form fields), all or nothing.
  form.addEventListener("submit", function () {
    remember();
    var cells = [];
    amounts().forEach(function (input) {
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
  // Undo reloads the page: come back to the cell.
  document.addEventListener("submit", function (event) {
    if (event.target.closest("#undo")) remember();
  });

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
        // Leaving the field fires the browser's change event once; htmx saves on it. In the
        // last row the cell is saved where it is, and keeps the focus.
        if (!move(vertical(target, event.shiftKey ? -1 : 1)) && changed(target)) {
          htmx.trigger(target, "change");
        }
        return;
      case "Escape":
        event.preventDefault();
        target.value = saved(target);
        refresh();
        return;
      case "F2":
        if (event.shiftKey) { event.preventDefault(); openComment(target); }
        return;
      case "F3":
        if (event.shiftKey) { event.preventDefault(); openHistory(); }
        return;
      default: return;
    }
    event.preventDefault();
    move(next);
  });

  table.addEventListener("focusin", function (event) {
    if (isAmount(event.target)) choose(event.target);
  });
  table.addEventListener("focusout", function () { window.setTimeout(refresh, 0); });
  document.body.addEventListener("htmx:afterSettle", refresh);

  // A save answers with the cell's new markup: the focus stays on the cell it was in.
  var hadFocus = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var focused = document.activeElement;
    hadFocus = isAmount(focused) && event.detail.target.contains(focused) ? focused.id : null;
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    var input = hadFocus && document.getElementById(hadFocus);
    hadFocus = null;
    if (input && document.activeElement !== input) {
      choose(input);
      input.focus();
    }
  });

  // --- Leaving with unsaved values ---------------------------------------------------------

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    var any = Array.prototype.some.call(amounts(), changed);
    if (any) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- The decided year's reason ---------------------------------------------------------

  // Once a reason is given, the cells refused for want of one are saved again.
  document.body.addEventListener("matrixReasonSaved", function () {
    table.querySelectorAll('.cell-error[data-code="reason_required"]').forEach(function (error) {
      var input = cellOf(error).querySelector(AMOUNT);
      if (!input) return;
      arm(input);
      htmx.trigger(input, "change");
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
    commentForm.action = cellUrl(table.dataset.commentUrl, input);
    document.getElementById("comment-cell").textContent = cellName(input);
    commentText.value = mark ? mark.title : "";
    commentError.hidden = true;
    dialog.showModal();
    commentText.focus();
  }

  if (dialog) {
    table.addEventListener("click", function (event) {
      var mark = event.target.closest(".comment-mark");
      if (!mark) return;
      event.preventDefault();
      openComment(cellOf(mark).querySelector(AMOUNT));
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
          commentInput = cell.querySelector(AMOUNT);
          choose(commentInput);
          // Keep a value typed but not yet saved.
          if (commentInput && typed !== commentInput.value) commentInput.value = typed;
          dialog.close();
          refresh();
        });
      });
    });
  }

  // --- Set-up -------------------------------------------------------------------------

  // With this script every change saves at once: the no-script button goes, the sentence
  // above the table says so, and the chosen cell's tools appear.
  document.getElementById("save-all").hidden = true;
  document.getElementById("save-model").innerHTML =
    "<strong>Varje ändring sparas direkt</strong>, både det du skriver och det du klistrar " +
    "in, och kan ångras med Ctrl+Z eller knappen Ångra.";
  amounts().forEach(function (input) { input.inputMode = "decimal"; });
  tools.hidden = false;
  historyLink.addEventListener("click", function (event) {
    if (!current()) return;
    event.preventDefault();
    openHistory();
  });
  document.getElementById("cell-comment").addEventListener("click", function () {
    openComment(current() || table.querySelector(AMOUNT));
  });
  document.getElementById("skip-to-table").addEventListener("click", function (event) {
    event.preventDefault();
    var input = current() || table.querySelector(AMOUNT);
    choose(input);
    input.focus();
    input.select();
  });
  window.addEventListener("pageshow", restore);
  refresh();
})();
