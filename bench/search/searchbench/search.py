"""The benchmark's search source, declared the way a product app declares its own."""

from __future__ import annotations

from ravabet.core.search.registry import SearchField, SearchSource, Weight, register
from searchbench.models import Article

LABEL = "articles"

ARTICLES = register(
    SearchSource(
        label=LABEL,
        model=Article,
        fields=(SearchField("title", Weight.A), SearchField("body", Weight.C)),
        date_field="published_at",
        source=lambda article: article.source,
        tags=lambda article: [t for t in article.tags.split(",") if t],
    )
)
