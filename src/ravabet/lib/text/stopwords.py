"""A modest Persian stopword list, written for this project and kept in search-key form.

Function words only (prepositions, conjunctions, pronouns, the commonest auxiliaries), so a
query of nothing but stopwords is rare; content words such as «استان» or «شورا» never appear.
"""

from __future__ import annotations

from ravabet.lib.text.normalise import search_key

# Grouped by kind; spelled as people usually type them (the key folds the variants).
_WORDS = """
    از به با در بر برای تا بی جز درباره روی زیر پیش پس میان بین نزد سوی طی توسط همراه بدون
    و یا اما ولی که اگر چون چه نیز هم پس زیرا تا چنانچه بلکه لیکن سپس
    من تو او ما شما آنها ایشان وی این آن اینها همین همان خود خویش
    را است هست نیست بود بودند باشد باشند شد شده شدند شود شوند می کرد کرده کند کنند کردند
    دارد دارند داشت داشته خواهد خواهند گردد گردید باید نباید
    هر همه چند برخی دیگر یک هیچ نه آری بله چنین چنان آنجا اینجا کجا چرا چگونه کدام
    ای ها های هایی ترین تر
"""

STOPWORDS: frozenset[str] = frozenset(search_key(word) for word in _WORDS.split())


def is_stopword(token: str) -> bool:
    """Whether ``token`` (any spelling variant) is a stopword."""
    return search_key(token) in STOPWORDS
