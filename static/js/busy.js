// A visible "Arbetar …" on every action that takes a while (a PDF, an export, an import):
// any submit button or link marked data-busy. The message is announced (role="status" in
// base.html) and the button is disabled so a second click does not start the work twice.
// A static file, so the Content Security Policy allows it without inline script.
(function () {
  "use strict";
  var DOWNLOAD_RESET_MS = 15000; // a download leaves the page as it was: release it again

  function status() {
    return document.getElementById("busy-status");
  }

  function release(element) {
    element.removeAttribute("aria-disabled");
    element.classList.remove("is-busy");
    if (element.tagName === "BUTTON") element.disabled = false;
    var region = status();
    if (region) {
      region.textContent = "";
      region.hidden = true;
    }
  }

  function busy(element) {
    var region = status();
    if (region) {
      region.hidden = false;
      region.textContent = element.getAttribute("data-busy") || "Arbetar …";
    }
    element.setAttribute("aria-disabled", "true");
    element.classList.add("is-busy");
    // Disabled after the submit event, or the button's own name and value would not be sent.
    if (element.tagName === "BUTTON") {
      window.setTimeout(function () { element.disabled = true; }, 0);
    }
    if (element.tagName === "A" || element.hasAttribute("data-busy-download")) {
      window.setTimeout(function () { release(element); }, DOWNLOAD_RESET_MS);
    }
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (event.defaultPrevented || !button || !button.hasAttribute("data-busy")) return;
    busy(button);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy]") : null;
    if (!link) return;
    if (link.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    busy(link);
  });

  // Back to a page from the browser's cache: nothing is running any more.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll(".is-busy").forEach(release);
  });
})();
