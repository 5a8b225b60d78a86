"""PDFs for the attachment tests, built in code (the tests must not depend on files): plain
ones by hand, hostile ones with pikepdf or with an object stream hidden behind a filter."""

import base64
import zlib
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def assemble(bodies: list[bytes], *, head: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF whose object n is bodies[n - 1], with a correct cross-reference table; object 1
    is the catalog."""
    out = bytearray(head)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        table,
    )
    return bytes(out)


PAGES = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
]


def pdf(extra: bytes = b"", *, compressed: bytes | None = None) -> bytes:
    """A one-page PDF; `extra` goes into the catalog, `compressed` into a Flate stream."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + extra + b">>", *PAGES]
    if compressed is not None:
        data = zlib.compress(compressed)
        bodies.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        )
    return assemble(bodies)


def built(change=None, *, encryption: pikepdf.Encryption | None = None, pages: int = 1) -> bytes:
    """A PDF written by qpdf; `change(pdf)` adds the hostile part first."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page()
    if change is not None:
        change(document)
    out = BytesIO()
    document.save(out, encryption=encryption or False)
    return out.getvalue()


def open_action(action: dict):
    def change(document: pikepdf.Pdf) -> None:
        document.Root.OpenAction = document.make_indirect(Dictionary(action))

    return change


def link_annotation(action: dict):
    def change(document: pikepdf.Pdf) -> None:
        annotation = Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]), A=Dictionary(action)
        )
        document.pages[0].Annots = document.make_indirect(Array([annotation]))

    return change


def embedded_exe(document: pikepdf.Pdf) -> None:
    document.attachments["setup.exe"] = pikepdf.AttachedFileSpec(
        document, b"MZ\x90\x00" + b"\x00" * 60, mime_type="application/octet-stream"
    )


def xfa_form(document: pikepdf.Pdf) -> None:
    xdp = document.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    document.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xdp)


def page_open_action(document: pikepdf.Pdf) -> None:
    document.Root.OpenAction = Array([document.pages[0].obj, Name.Fit])


def goto_page_action(document: pikepdf.Pdf) -> None:
    document.Root.OpenAction = Dictionary(
        S=Name.GoTo, D=Array([document.pages[0].obj, Name.XYZ, 0, 792, 0])
    )


RC4_EMPTY_PASSWORD = pikepdf.Encryption(owner="", user="", R=3, aes=False, metadata=False)
JAVASCRIPT_ACTION = {"/S": Name.JavaScript, "/JS": String("app.alert(1)")}


def _run_length(data: bytes) -> bytes:
    chunks = [data[i : i + 128] for i in range(0, len(data), 128)]
    return b"".join(bytes([len(chunk) - 1]) + chunk for chunk in chunks) + b"\x80"


def _png_up_predictor(data: bytes, columns: int = 8) -> bytes:
    data += b" " * (-len(data) % columns)
    rows, previous = [], bytes(columns)
    for start in range(0, len(data), columns):
        row = data[start : start + columns]
        rows.append(b"\x02" + bytes((a - b) % 256 for a, b in zip(row, previous, strict=True)))
        previous = row
    return zlib.compress(b"".join(rows))


ENCODINGS = {
    "ascii_hex": (b"/Filter /ASCIIHexDecode", lambda data: data.hex().encode() + b">"),
    "ascii85": (b"/Filter /ASCII85Decode", lambda data: base64.a85encode(data) + b"~>"),
    "run_length": (b"/Filter /RunLengthDecode", _run_length),
    "flate_predictor": (
        b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>",
        _png_up_predictor,
    ),
    "plain": (b"", lambda data: data),
}


def javascript_in_object_stream(encoding: str, *, eol: bytes = b"\n") -> bytes:
    """The OpenAction's JavaScript dictionary (object 5) sits in an object stream (object 4)
    encoded with `encoding`; a cross-reference stream (object 6) points into it. No
    "/JavaScript" appears in the file's bytes."""
    filter_entry, encode = ENCODINGS[encoding]
    inner = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"5 0 "
    data = encode(header + inner)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        4: b"<< /Type /ObjStm /N 1 /First %d /Length %d %s >>\nstream%s"
        % (len(header), len(data), filter_entry, eol)
        + data
        + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00" + bytes(4) + b"\xff\xff"]
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (1, 2, 3, 4)]
    rows += [b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + offsets[6].to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def many_stream_tokens(size: int) -> bytes:
    """The old scanner's worst case, about `size` bytes: `stream` over and over with no
    endstream, inside a stream's data that is never decoded."""
    data = b"stream\n" * ((size - 300) // 7)
    body = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    return assemble([b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>", *PAGES, body])


def many_objects(size: int, *, count: int) -> bytes:
    """About `size` bytes: `count` objects chained to the catalog, each a dictionary with
    additional actions and a link that go to a page (so the check reads every one
    through), padded by a stream of `stream` tokens that is never decoded."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>", *PAGES]
    first = len(bodies) + 2
    for number in range(first, first + count):
        bodies.append(
            b"<< /AA << /O [3 0 R /Fit] >> /A << /S /GoTo /D [3 0 R /Fit] >> /Next %d 0 R >>"
            % (number + 1 if number + 1 < first + count else 3)
        )
    used = len(assemble(bodies)) + 100
    data = b"stream\n" * max((size - used) // 7, 0)
    bodies.insert(3, b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    return assemble(bodies)
