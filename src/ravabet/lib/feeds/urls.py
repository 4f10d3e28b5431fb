"""Canonical article URLs: one spelling per article, so the same story is stored once."""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_TRACKING_EXACT = frozenset({"fbclid", "gclid", "yclid", "msclkid", "igshid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Browsers drop tabs and line breaks anywhere in a URL; feeds wrap long links over lines.
_INVISIBLE = re.compile(r"[\t\n\r\u200b\u200e\u200f\u202a-\u202e\ufeff]+")
_LOWER_ESCAPE = re.compile(r"%(?:[0-9a-f][a-f]|[a-f][0-9a-f])")
_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9/%:@!$&'()*+,;=._~?-]")
# Characters a URL may carry unescaped; everything else (Persian letters, spaces) is escaped so
# that a raw Persian path and its escaped form are one URL.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/%:@!$'()*+,;?-._~="


def _escaped(text: str, safe: str) -> str:
    """``text`` with unsafe characters escaped and every escape in upper case."""
    if _NEEDS_QUOTING.search(text):
        text = quote(text, safe=safe)
    if _LOWER_ESCAPE.search(text):
        text = _LOWER_ESCAPE.sub(lambda m: m.group(0).upper(), text)
    return text


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in _TRACKING_EXACT


def canonical_url(href: str, base_url: str | None = None) -> str | None:
    """``href`` made absolute against ``base_url`` and canonicalised, or None when it is not
    an http(s) URL: lower-case scheme and host, no default port, no userinfo, no fragment, no
    ``utm_*``/``fbclid`` parameters (the others kept in order), non-ASCII characters escaped."""
    # An item's address is canonicalised as its feed is parsed, as it is stored and as its
    # images are resolved against it: the answers are remembered.
    return _canonical(href or "", base_url)


@functools.lru_cache(maxsize=8192)
def _canonical(href: str, base_url: str | None) -> str | None:
    href = _INVISIBLE.sub("", (href or "").strip())
    if not href:
        return None
    try:
        absolute = urljoin(base_url, href) if base_url else href
        parts = urlsplit(absolute)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return None
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return None
        try:
            host = host.encode("idna").decode("ascii") if not host.isascii() else host
        except UnicodeError:
            return None
        port = parts.port
    except ValueError:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _escaped(parts.path or "/", _PATH_SAFE)
    query = parts.query
    if query:
        pairs = [p for p in query.split("&") if p and not _is_tracking(p)]
        query = _escaped("&".join(pairs), _QUERY_SAFE + "&")
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """The host without a leading ``www.``, for same-site checks."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")
