"""One table of news articles, shaped like a product module's searchable model."""

from __future__ import annotations

from django.db import models


class Article(models.Model):
    """A news article owned by an organisation; tags are comma-separated."""

    # No database constraint: the table is created by syncdb before the kernel's migrations run.
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    title = models.CharField(max_length=500)
    body = models.TextField()
    published_at = models.DateTimeField()
    source = models.CharField(max_length=40)
    tags = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.title
