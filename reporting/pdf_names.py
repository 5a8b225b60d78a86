"""The names the PDF pipeline shares, without loading WeasyPrint: the variants, the made-up
origin relative links resolve against, the static prefix and the footnote element.

reporting/pdf.py (what the app calls), reporting/pdf_engine.py (WeasyPrint itself) and
reporting/word.py read them from here, so neither of the first two imports the other at
start-up and no import circle forms.
"""

ACCESSIBLE = "pdf/ua-1"
ARCHIVAL = "pdf/a-3b"

# Relative links in the HTML resolve against this made-up origin; the fetcher answers it.
BASE_URL = "https://pdf.invalid/"
STATIC_PREFIX = "/static/"
# Footnotes are this element; reporting/pdf_engine.py tags it as Note, reporting/word.py reads it.
NOTE_ELEMENT = "doc-note"
