"""Media monitoring: sources, safe polling, items clustered into stories, watch-lists, triage,
the morning digest and urgent alerts (PRODUCT.md §1)."""
