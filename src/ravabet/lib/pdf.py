"""PDFs from HTML with WeasyPrint, fetching nothing but the caller's own files.

WeasyPrint's default fetcher follows every address in the document, ``file://`` included, so
a headline carrying ``<img src="file:///etc/passwd">`` would embed a server file in the PDF
(SECURITY.md, "Files"). Here every resource goes through :class:`StaticFetcher`: only paths
under one made-up origin, each mapped by the caller's resolver to a file it serves anyway;
any other address is refused without a connection or a file read.
"""

from __future__ import annotations

import enum
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

# Documents name their static files under this origin; ``.invalid`` never resolves (RFC 6761),
# so even a fetcher that escaped this module could not reach a real host with it.
ORIGIN = "https://static.ravabet.invalid"
# Types mimetypes does not know on every system.
_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}

Resolver = Callable[[str], Path | None]


class FetchRefusedReason(enum.StrEnum):
    OUTSIDE_ORIGIN = "outside_origin"
    BAD_PATH = "bad_path"
    NOT_FOUND = "not_found"


class FetchRefusedError(Exception):
    """A document asked for an address the fetcher does not serve."""

    def __init__(self, reason: FetchRefusedReason, url: str) -> None:
        super().__init__(f"{reason.value}: {url[:200]}")
        self.reason = reason
        self.url = url


class StaticFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher limited to ``origin/<relative path>``, which ``resolve`` maps
    to a file (or None). Every refusal is kept in ``refused`` for the caller to check."""

    def __init__(self, resolve: Resolver, *, origin: str = ORIGIN) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.resolve = resolve
        self.origin = origin.rstrip("/")
        self.refused: list[FetchRefusedError] = []

    def url_for(self, relative: str) -> str:
        """The address a document uses for the file ``relative`` (e.g. ``vendor/font.woff2``)."""
        return f"{self.origin}/{relative.lstrip('/')}"

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            path = self._path(url)
        except FetchRefusedError as refused:
            self.refused.append(refused)
            raise
        suffix = path.suffix.lower()
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": content_type or "application/octet-stream"},
        )

    def _path(self, url: str) -> Path:
        prefix = self.origin + "/"
        if not url.startswith(prefix):
            raise FetchRefusedError(FetchRefusedReason.OUTSIDE_ORIGIN, url)
        parts = urlsplit(url)
        relative = unquote(parts.path).lstrip("/")
        segments = relative.split("/")
        if (
            not relative
            or "\\" in relative
            or "\x00" in relative
            or any(segment in {"", ".", ".."} for segment in segments)
        ):
            raise FetchRefusedError(FetchRefusedReason.BAD_PATH, url)
        path = self.resolve(relative)
        if path is None or not path.is_file():
            raise FetchRefusedError(FetchRefusedReason.NOT_FOUND, url)
        return path

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        # The base class would hand a Request to urllib's handlers; nothing here may.
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


def render_pdf(html: str, *, fetcher: StaticFetcher, strict: bool = False) -> bytes:
    """The PDF of ``html``; relative addresses in it resolve under the fetcher's origin.

    WeasyPrint leaves out what it could not fetch; ``strict`` raises the first refusal
    instead, for documents whose every resource is ours (a missing font is then a fault)."""
    document = HTML(string=html, base_url=fetcher.origin + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    if strict and fetcher.refused:
        raise fetcher.refused[0]
    return pdf
