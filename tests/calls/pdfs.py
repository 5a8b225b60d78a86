"""Small PDFs for the attachment tests, built by hand (the tests must not depend on files)."""

import zlib


def pdf(extra: bytes = b"", *, compressed: bytes | None = None) -> bytes:
    """A one-page PDF; `extra` goes into the catalog, `compressed` into a Flate stream."""
    stream = b""
    if compressed is not None:
        body = zlib.compress(compressed)
        stream = b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body)
        stream += body + b"\nendstream\nendobj\n"
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + extra + b">>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n"
        + stream
        + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
