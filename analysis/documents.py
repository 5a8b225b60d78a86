"""The lägesrapport as a Word file: the same HTML as the PDF, read by the tjänsteutlåtande's
Word writer (reporting/word.py), with each chart drawn as a PNG (Word cannot show an SVG
without one) and described in its alternative text."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm
from PIL import Image, ImageDraw, ImageFont

from analysis.charts import Chart, table_chart
from analysis.report import Analysis
from analysis.tables import Table
from reporting.word import Node, _styles, _Writer, html_tree

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
COUNT_COLOUR = (26, 79, 122)
MONEY_COLOUR = (156, 74, 0)
SCALE = 2  # pixels per SVG unit, for a sharp print


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size * SCALE)
    except OSError:  # the font missing on this machine: Pillow's own
        return ImageFont.load_default(size * SCALE)


def chart_png(chart: Chart) -> bytes:
    """The chart as the SVG draws it: per row the label, the share of insatser and of money."""
    image = Image.new("RGB", (chart.width * SCALE, chart.height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(12), _font(11)
    draw.rectangle((0, 8 * SCALE, 14 * SCALE, 20 * SCALE), fill=COUNT_COLOUR)
    draw.text((20 * SCALE, 8 * SCALE), "Andel av insatserna", font=small, fill="black")
    draw.rectangle((170 * SCALE, 8 * SCALE, 184 * SCALE, 20 * SCALE), fill=MONEY_COLOUR)
    draw.text((190 * SCALE, 8 * SCALE), "Andel av medlen", font=small, fill="black")
    for row in chart.rows:
        draw.text((0, row.y * SCALE), row.label, font=font, fill="black")
        for width, y, share, colour in (
            (row.count_width, row.count_y, row.count_share, COUNT_COLOUR),
            (row.money_width, row.money_y, row.money_share, MONEY_COLOUR),
        ):
            if width:
                draw.rectangle((0, y * SCALE, width * SCALE, (y + 11) * SCALE), fill=colour)
            text = f"{share} %".replace(".", ",")
            draw.text(((width + 6) * SCALE, y * SCALE), text, font=small, fill="black")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


class _LagesrapportWriter(_Writer):
    """The Word writer, with a picture for every chart figure (data-table names its table)."""

    def __init__(self, document, tables: dict[str, Table]) -> None:
        super().__init__(document)
        self.tables = tables

    def block(self, node: Node) -> None:
        if node.tag == "figure" and node.attrs.get("data-table") in self.tables:
            table = self.tables[node.attrs["data-table"]]
            picture = io.BytesIO(chart_png(table_chart(table)))
            self.document.add_picture(picture, width=Mm(160))
            description = node.attrs.get("data-description", "")
            # python-docx has no API for alternative text: set descr on the drawing's docPr.
            for doc_pr in self.document.paragraphs[-1]._p.xpath(".//wp:docPr"):
                doc_pr.set("descr", description)
            return
        super().block(node)


def lagesrapport_docx(html: str, analysis: Analysis) -> bytes:
    """The lägesrapport's Word file from the HTML the PDF is rendered from."""
    document = Document()
    _styles(document)
    properties = document.core_properties
    properties.title = f"Lägesrapport {analysis.year}: {analysis.title}"
    properties.language = "sv-SE"
    properties.keywords = f"lägesrapport, analys, {analysis.year}"
    tree = html_tree(html)
    body = next((n for n in _nodes(tree) if n.tag == "body"), tree)
    _LagesrapportWriter(document, {table.key: table for table in analysis.tables}).block(body)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _nodes(node: Node):
    yield node
    for child in node.children:
        if isinstance(child, Node):
            yield from _nodes(child)
