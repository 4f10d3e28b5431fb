"""Stored bytes to text and to a safe lxml tree: decompression, encodings, entities, recovery.

Iranian feeds often declare one encoding and use another (windows-1256 declared, UTF-8 sent, or
the reverse), use HTML entities XML does not know (``&nbsp;``, ``&laquo;``) and stray ``&``.
Bytes that decode as UTF-8 are UTF-8 (windows-1256 Persian text almost never does); otherwise
the declared encoding, then windows-1256.
"""

from __future__ import annotations

import codecs
import html.entities
import re
import threading
import zlib

from lxml import etree

from ravabet.lib.feeds.types import ParseError, ParseReason

MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit
MAX_DECOMPRESSED = 50 * 1024 * 1024

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_AMPERSAND = re.compile(r"&(?:(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)|([A-Za-z][A-Za-z0-9]{0,31});)?")
_XML_NAMED = frozenset({"amp", "lt", "gt", "quot", "apos"})
# Characters XML 1.0 forbids; one would make libxml2 stop reading the rest of the feed.
_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_LOCAL = threading.local()


def _parser() -> etree.XMLParser:
    # An lxml parser (and its error log) must not be shared between threads.
    parser: etree.XMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            recover=True,
            remove_comments=True,
            remove_pis=True,
            encoding="utf-8",
        )
        _LOCAL.parser = parser
    return parser


class DecodeError(Exception):
    """Bytes that cannot become text at all (too large, a broken compression stream)."""

    def __init__(self, reason: ParseReason, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail


def decompress(data: bytes) -> bytes:
    """``data``, gunzipped when it is a gzip stream (sitemaps are often ``.xml.gz``), with a cap
    on the decompressed size so a small bomb cannot fill memory."""
    if len(data) > MAX_BYTES:
        raise DecodeError(ParseReason.TOO_LARGE, f"{len(data)} bytes")
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, MAX_DECOMPRESSED + 1)
    except zlib.error as exc:
        raise DecodeError(ParseReason.BAD_COMPRESSION, str(exc)) from exc
    if len(out) > MAX_DECOMPRESSED or inflater.unconsumed_tail:
        raise DecodeError(ParseReason.TOO_LARGE, "decompressed size over the cap")
    if not inflater.eof and not out:
        # A cut stream that still gave a prefix goes on to the recovering parser.
        raise DecodeError(ParseReason.BAD_COMPRESSION, "truncated gzip stream")
    return out


def _codec(name: bytes | str | None) -> str | None:
    if not name:
        return None
    text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    try:
        codec = codecs.lookup(text.strip().lower()).name
    except LookupError:
        return None
    # Servers that say ISO-8859-1 mean "I did not check": it would decode anything, wrongly.
    return None if codec in {"latin-1", "iso8859-1", "ascii", "cp1252"} else codec


def _bom(data: bytes) -> str | None:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return codec
    if data[:4] == b"<\x00?\x00":
        return "utf-16-le"
    if data[:4] == b"\x00<\x00?":
        return "utf-16-be"
    return None


def decode(data: bytes, content_type: str | None = None) -> str:
    """The text of ``data``: BOM, then UTF-8, then the declared encoding, then windows-1256."""
    bom = _bom(data)
    if bom:
        return data.decode(bom, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = data[:2048]
    declared = _XML_DECLARATION.search(head)
    meta = _META_CHARSET.search(head)
    header = _CONTENT_TYPE_CHARSET.search(content_type or "")
    for candidate in (
        _codec(declared.group(1) if declared else None),
        _codec(meta.group(1) if meta else None),
        _codec(header.group(1) if header else None),
    ):
        if candidate and candidate != "utf-8":
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("cp1256", "replace")


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _fix_ampersand(match: re.Match[str]) -> str:
    numeric, name = match.group(1), match.group(2)
    if numeric:
        # libxml2's recovery copies a reference to a surrogate or NUL into the tree as
        # invalid UTF-8, which lxml then cannot read back: drop such references here.
        code = int(numeric[2:-1], 16) if numeric[1] in "xX" else int(numeric[1:-1])
        return match.group(0) if _xml_char(code) else ""
    if name is None:
        return "&amp;"
    if name in _XML_NAMED:
        return match.group(0)
    chars = html.entities.html5.get(name + ";")
    if chars is None:
        return f"&amp;{name};"
    return "".join(f"&#{ord(c)};" for c in chars)


def clean_markup(text: str) -> str:
    """XML text libxml2 will read whole: no declaration or DOCTYPE (so no entity can be
    declared, and none expanded), HTML entities as character references, no forbidden
    characters."""
    text = _DECLARATION_TEXT.sub("", text, count=1)
    if "<!" in text:
        text = _DOCTYPE.sub("", text, count=1)
    if "&" in text:
        text = _AMPERSAND.sub(_fix_ampersand, text)
    if _ILLEGAL_RE.search(text):
        text = _ILLEGAL_RE.sub("", text)
    return text


def parse_xml(
    text: str, *, base_url: str | None = None
) -> tuple[etree._Element | None, list[ParseError]]:
    """The root of ``text`` read by libxml2 in recovery mode, with a record of any damage."""
    errors: list[ParseError] = []
    parser = _parser()
    try:
        root = etree.fromstring(
            clean_markup(text).encode("utf-8", "replace"), parser, base_url=base_url
        )
    except etree.XMLSyntaxError as exc:
        return None, [ParseError(ParseReason.UNREADABLE_XML, str(exc)[:300])]
    log = parser.error_log
    if root is None:
        first = str(log[0]) if len(log) else "no root element"
        return None, [ParseError(ParseReason.UNREADABLE_XML, first[:300])]
    fatal = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
    if fatal:
        errors.append(ParseError(ParseReason.MALFORMED_XML, str(fatal[0])[:300]))
    return root, errors
