"""A bench-only Django app: the article table the search benchmark fills and searches.

Installed only inside the benchmark's process (``bench/search/bench_search.py``), never in the
product's settings; it has no migrations, its table is created with ``migrate --run-syncdb``.
"""
