"""Search backends: the tantivy index that serves queries and the reference evaluator over the
database that checks it; both take the same query tree and the same restriction."""
