"""What the browser tests share: logging in, finding demo rows, editing a cell, axe-core."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page

from funds.models import Agreement, PriorityArea, Recipient

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}

DEMO_PASSWORD = "demo"
CODE = "0180"
BROMMA = "Bromma stadsdelsförvaltning"
ENSKEDE = "Enskede-Årsta-Vantör stadsdelsförvaltning"
CELL_SAVE = "/fordelning/cell/"
IMPORT_COLUMNS = ["Mottagare", "Mottagartyp", "Prioriterat område", "Belopp (kr)", "Kommentar"]


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/logga-in/" not in url)


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Log in without the form (a session made on the server): for tests about other pages."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


def matrix_url(year: int) -> str:
    return f"/{CODE}/{year}/fordelning/"


def agreement(year: int) -> Agreement:
    return Agreement.objects.get(organisation__code=CODE, year=year)


def area(year: int, number: int) -> PriorityArea:
    return PriorityArea.objects.get(
        agreement__organisation__code=CODE, agreement__year=year, number=number
    )


def recipient(name: str) -> Recipient:
    return Recipient.objects.get(organisation__code=CODE, name=name)


def cell_id(cell_area: PriorityArea, cell_recipient: Recipient) -> str:
    return f"{cell_area.pk}-{cell_recipient.pk}"


def type_into_cell(page: Page, cell: str, typed: str, key: str = "Tab") -> None:
    """Click the matrix cell, replace its text from the keyboard, leave with `key`, and wait
    for the save to be answered."""
    page.locator(f"#amount-{cell}").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(typed)
    with page.expect_response(lambda response: CELL_SAVE in response.url):
        page.keyboard.press(key)


def run_axe(page: Page, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules (or only `rules`) on the page; return the
    violations.

    Injected with evaluate(): the app's CSP allows no inline script, and evaluate() is not
    subject to it.
    """
    assert AXE_SOURCE.exists(), f"{AXE_SOURCE} is missing: run scripts/browser_deps.sh (npm ci)."
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    return page.evaluate(
        "only => axe.run(document, {runOnly: only, resultTypes: ['violations']})"
        ".then(result => result.violations)",
        only,
    )


def describe_violations(violations: list[dict]) -> str:
    """Rule, impact and every element it failed on: what a failing assertion prints."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"      {node['html'][:200]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def paste_into_cell(page: Page, cell: str, rows: list[list[str]]) -> None:
    """Paste a block, tab- and newline-separated as Excel and LibreOffice copy it, into the
    matrix from the cell: the paste event the browser fires for Ctrl+V, with the text in its
    DataTransfer (headless Chromium has no system clipboard to read)."""
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    page.locator(f"#amount-{cell}").focus()
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.activeElement.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        text,
    )


# Words (runs of letters and digits) that the layout splits across two lines. A break at a
# hyphen, a dash or a space is between words and not counted; nor is text nobody sees (clipped
# for screen readers, hidden, or outside a closed <details>). Each hit is "word ← element".
BROKEN_WORDS = r"""() => {
  const hidden = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.clipPath !== "none" || style.display === "none"
          || style.visibility === "hidden") return true;
      const box = e.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    if (!/[\p{L}\p{N}]{2}/u.test(text) || !node.parentElement
        || node.parentElement.closest("script, style, option, select, textarea")) continue;
    let checkedVisibility = false;
    for (const match of text.matchAll(/[\p{L}\p{N}]{2,}/gu)) {
      // After a soft hyphen the range would also cover the hyphen shown at the line's end.
      const afterSoftHyphen = text[match.index - 1] === "\u00ad";
      range.setStart(node, match.index + (afterSoftHyphen ? 1 : 0));
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
      if (tops.length < 2 || Math.max(...tops) - Math.min(...tops) < 4) continue;
      if (!checkedVisibility) {
        if (hidden(node.parentElement)) break;
        checkedVisibility = true;
      }
      const el = node.parentElement;
      const classes = el.className ? "." + String(el.className).split(" ").join(".") : "";
      broken.push(`${match[0]} ← ${el.tagName.toLowerCase()}${classes}`);
    }
  }
  return broken;
}"""


def broken_words(page: Page) -> list[str]:
    """The words on the page that are split inside across two lines (see BROKEN_WORDS)."""
    return page.evaluate(BROKEN_WORDS)


# At 320 px a list table becomes cards (.table-cards in static/css/app.css): every cell as
# wide as the card, nothing scrolls sideways. Counted here, per cell: a cell narrower than
# 48 CSS px (three or four letters: words break or wrap letter by letter), and a cell of a
# table that scrolls sideways. Not counted: cells nobody sees (the cards' clipped header row,
# a closed <details>) and cells inside a deliberate scroll region, a table wide by nature (the
# allocation matrix, the document preview): an element that scrolls sideways (overflow-x
# auto or scroll), is reached by the keyboard (tabindex), is named (role="region" with a
# label) and says it is wide on purpose (class "table-wide"). Each hit is
# "text ← tag: why".
NARROW_CELLS = r"""() => {
  const hidden = el => {
    for (let e = el, child = null; e && e !== document.body; child = e, e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.clipPath !== "none" || style.display === "none"
          || style.visibility === "hidden") return true;
      if (e.tagName === "DETAILS" && !e.open && child?.tagName !== "SUMMARY") return true;
    }
    return false;
  };
  const scroller = el => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement)
      if (["auto", "scroll"].includes(getComputedStyle(e).overflowX)) return e;
    return null;
  };
  const deliberate = e => e.classList.contains("table-wide") && e.hasAttribute("tabindex")
    && e.getAttribute("role") === "region"
    && (e.hasAttribute("aria-label") || e.hasAttribute("aria-labelledby"));
  const found = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const region = scroller(cell);
    if ((region && deliberate(region)) || hidden(cell)) continue;
    const width = cell.getBoundingClientRect().width;
    let why = "";
    if (width < 48) why = `${Math.round(width)} px wide`;
    else if (region && region.scrollWidth > region.clientWidth + 1) why = "scrolls sideways";
    if (!why) continue;
    const text = cell.textContent.trim().replace(/\s+/g, " ").slice(0, 30);
    found.push(`${text} ← ${cell.tagName.toLowerCase()}: ${why}`);
  }
  return found;
}"""


def narrow_cells(page: Page) -> list[str]:
    """The table cells that do not read at the page's width (see NARROW_CELLS)."""
    return page.evaluate(NARROW_CELLS)
