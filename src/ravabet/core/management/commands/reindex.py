"""``ravabet reindex [label …]``: rebuild the search index of these modules from the database
(all by default, also removing modules no app declares any more and the indexes of earlier
schema versions), or with ``--check`` list the ids the index misses or has extra."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ravabet.core.search.backends.tantivy_index import remove_stale_indexes
from ravabet.core.search.indexing import check_drift, purge, rebuild, unknown_labels
from ravabet.core.search.registry import sources

SHOWN_KEYS = 20


class Command(BaseCommand):
    help = "Rebuild the search index from the database, or check it for drift with --check."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("labels", nargs="*", help="Modules to rebuild (default: all).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; report missing and extra ids and fail if there are any.",
        )

    def handle(self, *args: Any, labels: list[str], check: bool = False, **options: Any) -> None:
        known = sources()
        unknown = sorted(set(labels) - set(known))
        if unknown:
            raise CommandError(
                f"Unknown search module(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        chosen = labels or sorted(known)
        if check:
            self._check(chosen)
            return
        for label in chosen:
            count = rebuild(label)
            self.stdout.write(self.style.SUCCESS(f"{label}: {count} documents indexed"))
        if not labels:
            # A full rebuild also drops what no app declares any more: the index then holds
            # only registered modules, which lets a search over all of them skip the filter.
            for label, count in unknown_labels().items():
                purge(label)
                self.stdout.write(f"{label}: {count} documents of an undeclared module removed")
            # The index of an earlier schema version, left by an upgrade, is not read again.
            for path, size in remove_stale_indexes():
                self.stdout.write(
                    f"{path.name}: an earlier version's index removed ({size:,} bytes)"
                )

    def _check(self, labels: list[str]) -> None:
        drifted = 0
        for label, count in unknown_labels().items():
            drifted += 1
            self.stdout.write(f"{label}: {count} extra documents of an undeclared module")
        for label in labels:
            drift = check_drift(label)
            if drift.is_clean:
                self.stdout.write(f"{label}: in step")
                continue
            drifted += 1
            for name, keys in (("missing", drift.missing), ("extra", drift.extra)):
                if keys:
                    shown = ", ".join(sorted(keys)[:SHOWN_KEYS])
                    more = f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else ""
                    self.stdout.write(f"{label}: {len(keys)} {name}: {shown}{more}")
        if drifted:
            raise CommandError(f"The search index has drifted in {drifted} module(s)")
