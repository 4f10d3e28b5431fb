"""Turning fetched bytes into text, the way Persian sites actually label (and mislabel) them.

Order: a byte-order mark; then valid UTF-8 wins over any legacy label, because Iranian sites
that moved to UTF-8 often kept their windows-1256 label, while legacy text that happens to be
valid UTF-8 is vanishingly rare; then the charset declared in Content-Type, the XML prolog and
an HTML meta tag, each tried strictly and skipped when the bytes contradict it; last
windows-1256, the pre-Unicode encoding of Iranian sites.
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF = 4096
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Codecs a label may name but text must never be read with: escapes and UTF-7 turn plain bytes
# into markup (the classic UTF-7 XSS), idna and punycode are not document encodings.
_REFUSED = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})
FALLBACK = "cp1256"


def media_type(content_type: str | None) -> str:
    """The lower-case media type of a Content-Type header, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def declared_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip() if isinstance(charset, str) and charset.strip() else None


def _codec(label: str | bytes | None, *, in_document: bool = False) -> str | None:
    if label is None:
        return None
    text = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    try:
        name = codecs.lookup(text.strip().lower()).name
    except LookupError:
        return None
    if name in _REFUSED:
        return None
    if in_document and name.startswith(("utf-16", "utf-32")):
        # A label readable as ASCII bytes was not written in UTF-16; browsers read UTF-8 here.
        return "utf-8"
    return name


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    head = body[:_SNIFF]
    prolog = _XML_PROLOG.match(head)
    meta = _META_CHARSET.search(head)
    found = [
        _codec(declared_charset(content_type)),
        _codec(prolog.group(1), in_document=True) if prolog else None,
        _codec(meta.group(1), in_document=True) if meta else None,
    ]
    return [c for c in dict.fromkeys(found) if c is not None]


def decode_text(body: bytes, content_type: str | None = None) -> str:
    """Decode ``body`` to text; never raises, falling back to windows-1256 with replacement."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace")
    candidates = _candidates(body, content_type)
    # A declared UTF-16 or UTF-32 without a BOM cannot be told from its bytes: trust the header.
    wide = [c for c in candidates[:1] if c.startswith(("utf-16", "utf-32"))]
    if not body.isascii() and not wide:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for codec in candidates:
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode(FALLBACK, "replace")
