"""One search service for all modules: apps declare what they index in their ``search.py``
(:mod:`.registry`); a tantivy index derived from the database serves :func:`.service.search`,
and a reference evaluator over the database proves it returns the same matches."""
