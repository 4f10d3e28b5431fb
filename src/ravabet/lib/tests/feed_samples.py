"""Persian feeds and pages written for the feed tests and the parse benchmark.

Realistic on purpose: Arabic ي and ك beside Persian ی and ک, zero-width non-joiners, Persian,
Arabic-Indic and Latin digits, HTML-escaped descriptions, CDATA, relative links, missing dates.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass

SENTENCES = (
    "استاندار تهران در نشست شورای اداری استان بر ضرورت هماهنگی دستگاه‌های اجرایی تأکید کرد.",
    "به گزارش روابط عمومی استانداری، این نشست با حضور فرمانداران شهرستان‌ها برگزار شد.",
    "وی افزود: برنامه‌ریزی برای فصل سرما باید پیش از آغاز بارندگی‌ها نهایی شود.",
    "معاون هماهنگی امور عمرانی گفت: ۱۲ پروژه در ۸ شهرستان تا پایان آذرماه افتتاح می‌شود.",
    "مديرکل مدیریت بحران استان از آمادگی ۲۴ ساعته گروه‌های امدادی خبر داد.",
    "در این جلسه گزارشی از وضعیت ذخایر سوخت و کالاهای اساسی ارائه شد.",
    "نماینده مردم تهران در مجلس شورای اسلامی خواستار تسریع در اجرای طرح‌ها شد.",
    "رئیس سازمان مدیریت و برنامه‌ریزی استان اعتبار 350 میلیارد ریالی را تشریح كرد.",
    "شهروندان می‌توانند پیشنهادهای خود را از طریق سامانه‌ی ۱۱۱ ثبت کنند.",
    "وي با اشاره به نقش رسانه‌ها گفت: اطلاع‌رسانی دقیق، اعتماد عمومی را افزایش می‌دهد.",
    "این طرح با مشارکت بخش خصوصی و نهادهای مردم‌نهاد اجرا خواهد شد.",
    "بر اساس این گزارش، ٤٥ درصد از عملیات اجرایی پروژه تاکنون به پایان رسیده است.",
    "فرماندار شمیرانات نیز از راه‌اندازی پایگاه‌های جدید خدمات‌رسانی خبر داد.",
    "كارشناسان معتقدند تصمیم‌گیری‌های به‌موقع از بروز مشکلات جلوگیری می‌کند.",
)
TITLES = (
    "استاندار تهران: برنامه‌ریزی زمستانی باید نهایی شود",
    "افتتاح ۱۲ پروژه عمرانی در شهرستان‌های استان",
    "آمادگی گروه‌های امدادی برای فصل سرما",
    "تشریح اعتبارات ۱۴۰۵ در شورای برنامه‌ریزی",
    "نشست هم‌اندیشی مدیران روابط عمومی برگزار شد",
    "گزارش پیشرفت طرح‌های نیمه‌تمام استان",
)
DATES = (
    "Thu, 27 Nov 2025 14:30:00 +0330",
    "Thu, 27 Nov 2025 11:00:00 GMT",
    "۱۴۰۴/۰۹/۰۶ ۱۴:۳۰",
    "پنجشنبه ۶ آذر ۱۴۰۴ - ۱۴:۳۰",
    "2025-11-27T14:30:00+03:30",
    "Thu, ۲۷ Nov ۲۰۲۵ ۱۴:۳۰:۰۰ +۰۳۳۰",
)


@dataclass(frozen=True)
class SampleItem:
    path: str
    title: str
    paragraphs: tuple[str, ...]
    date: str | None
    author: str
    image: str | None


def sample_items(count: int, *, seed: int = 0) -> list[SampleItem]:
    rng = random.Random(seed)
    items = []
    for index in range(count):
        news_id = 100000 + seed * 1000 + index
        paragraphs = tuple(rng.sample(SENTENCES, 5))
        items.append(
            SampleItem(
                path=f"/fa/news/{news_id}/{rng.choice(TITLES).replace(' ', '-')}",
                title=f"{rng.choice(TITLES)} ({news_id})",
                paragraphs=paragraphs,
                date=None if index % 17 == 5 else rng.choice(DATES),
                author=rng.choice(("علي رضايي", "مریم کریمی", "خبرنگار استان")),
                image=None if index % 3 else f"/files/fa/news/{news_id}.jpg",
            )
        )
    return items


def _body_html(item: SampleItem) -> str:
    body = "".join(f"<p>{p}</p>" for p in item.paragraphs)
    if item.image:
        body = f'<p><img src="{item.image}" alt="تصویر خبر"></p>' + body
    return body


def rss_feed(items: list[SampleItem], *, site: str = "https://www.example.ir") -> bytes:
    """RSS 2.0 with an escaped description and a CDATA ``content:encoded`` per item."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" ',
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
        f"<channel><title>خبرگزاری نمونه</title><link>{site}/</link><language>fa</language>\n",
    ]
    for item in items:
        lead = html.escape(f"<p>{item.paragraphs[0]}</p>")
        parts.append(
            f"<item><title>{html.escape(item.title)}</title>"
            f"<link>{item.path}?utm_source=rss&amp;utm_medium=feed</link>"
            f'<guid isPermaLink="false">{item.path.split("/")[3]}</guid>'
            f"<description>{lead}</description>"
            f"<content:encoded><![CDATA[{_body_html(item)}]]></content:encoded>"
            + (f"<pubDate>{item.date}</pubDate>" if item.date else "")
            + f"<dc:creator>{item.author}</dc:creator>"
            + (
                f'<enclosure url="{item.image}" type="image/jpeg" length="1000"/>'
                if item.image
                else ""
            )
            + "</item>\n"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def atom_feed(items: list[SampleItem], *, site: str = "https://www.example.ir") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fa" xml:base="{site}/">',
        f'<title>خبرگزاری نمونه</title><link rel="alternate" href="{site}/"/>',
        f"<id>{site}/</id><updated>2025-11-27T11:00:00Z</updated>\n",
    ]
    for item in items:
        parts.append(
            f'<entry><title type="text">{html.escape(item.title)}</title>'
            f'<link rel="alternate" href="{item.path}"/><id>tag:example.ir,{item.path}</id>'
            + (f"<published>{item.date}</published>" if item.date else "")
            + f'<author><name>{item.author}</name></author><summary type="html">'
            f"{html.escape(item.paragraphs[0])}</summary>"
            f'<content type="html">{html.escape(_body_html(item))}</content></entry>\n'
        )
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def json_feed(items: list[SampleItem], *, site: str = "https://www.example.ir") -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "خبرگزاری نمونه",
        "home_page_url": f"{site}/",
        "language": "fa",
        "items": [
            {
                "id": item.path,
                "url": item.path,
                "title": item.title,
                "summary": item.paragraphs[0],
                "content_html": _body_html(item),
                **({"date_published": item.date} if item.date else {}),
                "authors": [{"name": item.author}],
                **({"image": item.image} if item.image else {}),
            }
            for item in items
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def news_sitemap(items: list[SampleItem], *, site: str = "https://www.example.ir") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
    ]
    for item in items:
        parts.append(
            f"<url><loc>{site}{item.path}</loc><news:news><news:publication>"
            "<news:name>نمونه</news:name><news:language>fa</news:language></news:publication>"
            + (f"<news:publication_date>{item.date}</news:publication_date>" if item.date else "")
            + f"<news:title>{html.escape(item.title)}</news:title></news:news>"
            + (
                f"<image:image><image:loc>{site}{item.image}</image:loc></image:image>"
                if item.image
                else ""
            )
            + "</url>\n"
        )
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def expected_url(item: SampleItem, *, site: str = "https://www.example.ir") -> str:
    """The canonical address parse_feed must give ``item`` (Persian path escaped)."""
    from urllib.parse import quote

    return site + quote(item.path, safe="/-:")


NAV = ("صفحه نخست", "سیاسی", "اقتصادی", "اجتماعی", "استان‌ها", "بین‌الملل", "ورزشی", "فیلم")
SIDEBAR = (
    "رئیس‌جمهور در سفر استانی از طرح‌های نیمه‌تمام بازدید کرد و دستورهای لازم را صادر کرد",
    "قیمت طلا و سکه امروز در بازار تهران؛ نوسان محدود در معاملات صبح",
    "پیش‌بینی هواشناسی برای هفته آینده: بارش باران در استان‌های شمالی کشور",
    "نتایج مرحله نخست آزمون استخدامی دستگاه‌های اجرایی اعلام شد",
)


def agency_page(
    title: str,
    paragraphs: list[str] | tuple[str, ...],
    *,
    path: str = "/fa/news/1404090612345/استاندار",
    date_text: str = "پنجشنبه ۶ آذر ۱۴۰۴ - ۱۴:۳۰",
    variant: int = 0,
    site: str = "https://www.example.ir",
) -> str:
    """An Iranian agency article page: header, menu, breadcrumb, over-title, date, share bar,
    the body with an inline related box and an ad, tags, comment form, sidebar, footer.
    ``variant`` changes the markup the body sits in (0–3) as different CMSs do."""
    nav = "".join(f'<li><a href="/fa/category/{i}">{n}</a></li>' for i, n in enumerate(NAV))
    side = "".join(
        f'<li><a href="/fa/news/{140409050000 + i}/x">{t}</a></li>' for i, t in enumerate(SIDEBAR)
    )
    related = (
        '<div class="related-news"><h4>اخبار مرتبط</h4><ul>'
        + "".join(
            f'<li><a href="/fa/news/{9000 + i}/r">{t}</a></li>' for i, t in enumerate(SIDEBAR[:2])
        )
        + "</ul></div>"
    )
    ad = '<div class="ads-box"><a href="https://ads.example.com/c"><img src="/ad.gif"></a></div>'
    middle = len(paragraphs) // 2
    if variant == 1:  # old CMS: one div, lines separated by <br>
        body = (
            '<div class="body">'
            + "<br><br>".join(paragraphs[:middle])
            + ad
            + "<br><br>".join(paragraphs[middle:])
            + "</div>"
        )
    else:
        ps = [f"<p>{p}</p>" for p in paragraphs]
        ps.insert(middle, related if variant != 3 else ad)
        wrapper = {
            0: '<div class="item-text" itemprop="articleBody">',
            2: '<article><div class="news-content">',
            3: '<div id="main"><div class="col-8">',
        }[variant]
        closer = {0: "</div>", 2: "</div></article>", 3: "</div></div>"}[variant]
        body = wrapper + "".join(ps) + closer
    meta = (
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="og:image" content="{site}/files/fa/news/main.jpg">'
        f'<meta name="description" content="{html.escape(paragraphs[0])}">'
        if variant in {0, 2}
        else ""
    )
    ld = (
        '<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": "2025-11-27T14:30:00+03:30",
                "author": {"@type": "Person", "name": "مریم کریمی"},
            },
            ensure_ascii=False,
        )
        + "</script>"
        if variant == 2
        else ""
    )
    return f"""<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>{html.escape(title)} | خبرگزاری نمونه</title>{meta}{ld}
<link rel="canonical" href="{site}{path}"><script>var ga = 1;</script>
<style>.x{{color:red}}</style></head><body>
<header class="site-header"><a href="/"><img src="/logo.png" alt="لوگو"></a>
<form class="search"><input name="q"><button>جستجو</button></form></header>
<nav class="main-menu"><ul>{nav}</ul></nav>
<div class="container"><div class="row"><div class="col-main">
<ol class="breadcrumb"><li><a href="/">خانه</a></li>
<li><a href="/fa/category/3">استان‌ها</a></li></ol>
<div class="rutitr">روتیتر: گزارش نشست شورای اداری</div>
<h1 class="title">{html.escape(title)}</h1>
<div class="news-info"><span class="news-date">{date_text}</span>
<span class="news-code">کد خبر: ۱۲۳۴۵</span></div>
<div class="share-bar"><a href="https://t.me/share?url=x">تلگرام</a><a href="#">چاپ</a></div>
{body}
<div class="tags"><a href="/fa/tag/1">استانداری</a><a href="/fa/tag/2">شورای اداری</a></div>
<div class="comments"><h3>نظرات</h3><form><textarea></textarea><button>ارسال</button></form>
</div></div>
<aside class="sidebar"><h3>پربازدیدترین</h3><ul>{side}</ul></aside></div></div>
<footer class="site-footer"><p>تمامی حقوق مادی و معنوی این سایت متعلق به خبرگزاری نمونه است.
استفاده از مطالب با ذکر منبع آزاد است.</p><a href="/fa/about">درباره ما</a></footer>
</body></html>"""


def listing_page(site: str = "https://www.example.ir") -> tuple[str, list[str]]:
    """A section front page and the canonical article addresses it links to, in order."""
    articles = [
        "/fa/news/1404090612345/استاندار-تهران-برنامه-زمستانی",
        "/fa/news/1404090612346/افتتاح-پروژه-عمرانی",
        "/news/2025/11/27/tehran-governor-winter-plan",
        "/NewsDetail.aspx?ID=98765",
        "/1404/09/06/آمادگی-گروه-های-امدادی",
        "https://www.example.ir/fa/news/1404090612345/استاندار-تهران-برنامه-زمستانی#comments",
    ]
    decoys = [
        "/",
        "/fa/category/3",
        "/fa/tag/استانداری",
        "/fa/about",
        "/fa/search?q=x",
        "/files/doc/report-1404.pdf",
        "https://other.example.com/news/12345/x",
        "javascript:void(0)",
        "#top",
        "/fa/page/2",
    ]
    links = "".join(
        f'<li><a href="{a}">عنوان خبر شماره {i} درباره استان تهران</a></li>'
        for i, a in enumerate(articles)
    )
    nav = "".join(f'<a href="{d}">پیوند</a>' for d in decoys)
    page = (
        f'<html><body><nav class="menu">{nav}</nav><div class="news-list"><ul>{links}</ul></div>'
        f'<footer><a href="/fa/contact">تماس</a></footer></body></html>'
    )
    from urllib.parse import quote

    expected = []
    for a in articles[:5]:
        full = a if a.startswith("http") else site + a
        head, _, query = full.partition("?")
        expected.append(quote(head, safe="/:-.") + (f"?{query}" if query else ""))
    return page, expected
