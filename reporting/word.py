"""The tjänsteutlåtande as a Word file (.docx, python-docx), for the nämnd's secretary.

The body is built from the very HTML the PDF is rendered from (the same template, the same
figures), read with the standard library's HTML parser: h1–h3 become Word's heading
styles, tables real Word tables with the same cells, `<doc-note class="footnote">` a real
footnote. python-docx has no footnote API, so the footnotes part (word/footnotes.xml) is
written here and related to the document the way Word does it. The page header repeats
"Tjänsteutlåtande", the Dnr and "Sida x (y)" (PAGE and NUMPAGES fields) on every page, with
UTKAST on a draft; the first page's header also carries the letterhead (the organisation's
name, its logo when it is a PNG: Word files cannot take an SVG without a PNG fallback), and
its footer the address.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reporting.pdf_names import NOTE_ELEMENT
from reporting.rendering import Rendering, decision_document_html

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DRAFT_RED = RGBColor(0xA1, 0x16, 0x1B)
VOID = {"br", "meta", "link", "img", "hr", "input"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def html_tree(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _squash(text: str) -> str:
    return " ".join(text.split())


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self.footnotes: list[str] = []

    # --- inline content ---

    def inline(self, paragraph, node: Node, *, bold: bool = False) -> None:
        for child in node.children:
            if isinstance(child, str):
                text = _collapse(child.replace("\n", " ").replace("\t", " "))
                if text.strip() or (text and paragraph.runs):
                    run = paragraph.add_run(text)
                    if bold:
                        run.bold = True
            elif child.tag == "br":
                paragraph.add_run().add_break()
            elif child.tag == NOTE_ELEMENT and "footnote" in child.classes:
                self.footnote(paragraph, _squash(child.text()))
            elif child.tag in ("strong", "b"):
                self.inline(paragraph, child, bold=True)
            else:
                self.inline(paragraph, child, bold=bold)

    def footnote(self, paragraph, text: str) -> None:
        self.footnotes.append(text)
        run = paragraph.add_run()
        run.font.superscript = True
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(len(self.footnotes)))
        run._r.append(reference)

    # --- blocks ---

    def block(self, node: Node) -> None:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            level = min(int(tag[1]), 3)
            heading = self.document.add_heading(level=level)
            self.inline(heading, node)
            _strip(heading)
        elif tag == "p":
            paragraph = self.document.add_paragraph()
            if "note" in node.classes:
                paragraph.paragraph_format.space_after = Pt(6)
            self.inline(paragraph, node)
            _strip(paragraph)
        elif tag in ("ol", "ul"):
            style = "List Number" if "decisions" in node.classes else None
            if tag == "ul":
                style = "List Bullet"
            for item in node.children:
                if isinstance(item, Node) and item.tag == "li":
                    paragraph = self.document.add_paragraph(style=style)
                    self.inline(paragraph, item)
                    _strip(paragraph)
        elif tag == "table":
            self.table(node)
        elif "signatures" in node.classes:
            self.signatures(node)
        elif "first-page" in node.classes:
            self.first_page(node)
        elif "doc-furniture" in node.classes or tag in ("head", "script", "style"):
            return
        else:
            for child in node.children:
                if isinstance(child, Node):
                    self.block(child)

    def table(self, node: Node) -> None:
        caption = next(
            (c for c in node.children if isinstance(c, Node) and c.tag == "caption"), None
        )
        if caption is not None:
            paragraph = self.document.add_paragraph()
            paragraph.add_run(_squash(caption.text())).bold = True
            paragraph.paragraph_format.keep_with_next = True
        rows: list[tuple[list[Node], bool]] = []
        for group in node.children:
            if not isinstance(group, Node) or group.tag not in ("thead", "tbody", "tfoot", "tr"):
                continue
            group_rows = (
                [group]
                if group.tag == "tr"
                else [r for r in group.children if isinstance(r, Node) and r.tag == "tr"]
            )
            for row in group_rows:
                cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]
                rows.append((cells, group.tag in ("thead", "tfoot")))
        if not rows:
            return
        columns = max(len(cells) for cells, _ in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        # Row by row through each row's own cells: `table.cell(r, c)` rebuilds the whole
        # table's cell list on every call, which made a 1 000-recipient table quadratic.
        for row_index, (table_row, (cells, strong)) in enumerate(
            zip(table.rows, rows, strict=True)
        ):
            if row_index == 0 and strong:
                _repeat_header(table_row)
            for target, cell in zip(table_row.cells, cells, strict=False):
                paragraph = target.paragraphs[0]
                self.inline(paragraph, cell, bold=strong)
                _strip(paragraph)
                if "num" in cell.classes:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.document.add_paragraph()

    def _lines(self, node: Node) -> list[Node]:
        return [c for c in node.children if isinstance(c, Node) and c.tag == "p"]

    def signatures(self, node: Node) -> None:
        blocks = [c for c in node.children if isinstance(c, Node) and c.tag == "div"]
        table = self.document.add_table(rows=1, cols=max(len(blocks), 1))
        for index, block in enumerate(blocks):
            cell = table.cell(0, index)
            for line_index, line in enumerate(self._lines(block)):
                paragraph = cell.paragraphs[0] if line_index == 0 else cell.add_paragraph()
                self.inline(paragraph, line)
                _strip(paragraph)

    def first_page(self, node: Node) -> None:
        blocks = [c for c in node.children if isinstance(c, Node) and c.tag == "div"]
        table = self.document.add_table(rows=1, cols=max(len(blocks), 1))
        for index, block in enumerate(blocks):
            cell = table.cell(0, index)
            for line_index, line in enumerate(self._lines(block)):
                paragraph = cell.paragraphs[0] if line_index == 0 else cell.add_paragraph()
                self.inline(paragraph, line)
                _strip(paragraph)
        self.document.add_paragraph()


def _collapse(text: str) -> str:
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _strip(paragraph) -> None:
    """Trim the whitespace the template's line breaks leave at a paragraph's ends."""
    runs = [run for run in paragraph.runs if run.text]
    if runs:
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field(paragraph, instruction: str, last_result: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word and LibreOffice update on open;
    `last_result` is the value stored in the file until they do."""
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = last_result
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def _page_block(container, *, draft: bool, registry_number: str, align) -> None:
    lines = []
    if draft:
        lines.append("UTKAST")
    lines += ["Tjänsteutlåtande", f"Dnr {registry_number or 'saknas'}"]
    first = True
    for line in lines:
        paragraph = container.paragraphs[0] if first and container.paragraphs else None
        paragraph = paragraph or container.add_paragraph()
        first = False
        paragraph.alignment = align
        run = paragraph.add_run(line)
        if line == "UTKAST":
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = DRAFT_RED
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.add_run("Sida ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" (")
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(")")


def _header_and_footer(document, rendering) -> None:
    doc = rendering.document
    organisation = doc.organisation
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(40), Mm(24)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.different_first_page_header_footer = True

    _page_block(
        section.header,
        draft=rendering.draft,
        registry_number=doc.registry_number,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )

    first = section.first_page_header
    table = first.add_table(rows=1, cols=2, width=Mm(165))
    left, right = table.cell(0, 0), table.cell(0, 1)
    paragraph = left.paragraphs[0]
    if organisation.logo and organisation.logo_content_type == "image/png":
        paragraph.add_run().add_picture(io.BytesIO(bytes(organisation.logo)), height=Mm(14))
        paragraph = left.add_paragraph()
    paragraph.add_run(organisation.name).bold = True
    for line in (doc.administration, doc.department):
        if line:
            left.add_paragraph(line)
    _page_block(
        right,
        draft=rendering.draft,
        registry_number=doc.registry_number,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    if first.paragraphs and not first.paragraphs[0].text:
        # python-docx starts a header with an empty paragraph; keep it small.
        first.paragraphs[0].paragraph_format.space_after = Pt(0)

    if doc.address:
        footer = section.first_page_footer
        paragraph = footer.paragraphs[0]
        for index, line in enumerate(doc.address.splitlines()):
            if index:
                paragraph.add_run().add_break()
            paragraph.add_run(line.strip()).font.size = Pt(8)


def _footnotes_part(document, notes: list[str]) -> None:
    """Write word/footnotes.xml (python-docx has no API for it) and relate it."""
    body = [
        f'<w:footnotes xmlns:w="{W_NS}">',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/>'
        "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>",
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
        '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
        "</w:footnote>",
    ]
    for number, text in enumerate(notes, start=1):
        body.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="16"/></w:rPr>'
            "<w:footnoteRef/></w:r>"
            '<w:r><w:rPr><w:sz w:val="16"/></w:rPr>'
            f'<w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        )
    body.append("</w:footnotes>")
    part = Part(
        PackURI("/word/footnotes.xml"),
        CT.WML_FOOTNOTES,
        "".join(body).encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    # Word's own files name the separators in the settings; LibreOffice does not need it.
    settings = document.settings.element
    properties = OxmlElement("w:footnotePr")
    for footnote_id in ("-1", "0"):
        reference = OxmlElement("w:footnote")
        reference.set(qn("w:id"), footnote_id)
        properties.append(reference)
    settings.append(properties)


LANGUAGE = "sv-SE"
# What follows w:lang in a w:rPr (ECMA-376, CT_RPr's sequence).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def _set_language(rpr) -> None:
    """Set w:lang on run properties, in the schema's place (Word is strict about order)."""
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    rpr.insert_element_before(lang, *_AFTER_LANG)


def _swedish(document) -> None:
    """Swedish for the document defaults and every style, so that spell-checking and screen
    readers treat the text as Swedish (python-docx's template says en-US)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    rpr = run_defaults.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run_defaults.append(rpr)
    _set_language(rpr)
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.LIST:
            _set_language(style.element.get_or_add_rPr())


def _styles(document) -> None:
    styles = document.styles
    _swedish(document)
    styles["Normal"].font.name = "Times New Roman"
    styles["Normal"].font.size = Pt(11)
    for level in (1, 2, 3):
        style = styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.size = Pt({1: 16, 2: 13, 3: 11}[level])


def rendering_docx(rendering: Rendering) -> bytes:
    """The Word file of a document's content (as for the PDF, not the preview)."""
    if rendering.screen:
        raise ValueError("The Word file is made from the document, not the browser preview.")
    html = decision_document_html(rendering)
    tree = html_tree(html)
    document = Document()
    _styles(document)
    doc = rendering.document
    properties = document.core_properties
    properties.title = ("Utkast: " if rendering.draft else "") + doc.title
    properties.author = f"{doc.administration}, {doc.organisation.name}".strip(", ")
    properties.language = "sv-SE"
    properties.keywords = f"tjänsteutlåtande, {doc.programme}, {doc.year}, {doc.next_year}"
    _header_and_footer(document, rendering)
    # The default document starts with no paragraph; the body follows the template.
    writer = _Writer(document)
    body = next(
        (n for n in _walk(tree) if isinstance(n, Node) and n.tag == "body"),
        tree,
    )
    writer.block(body)
    _footnotes_part(document, writer.footnotes)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _walk(node: Node):
    yield node
    for child in node.children:
        if isinstance(child, Node):
            yield from _walk(child)
