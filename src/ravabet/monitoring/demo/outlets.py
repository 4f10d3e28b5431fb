"""The demo's invented outlets: national agencies, provincial sites, a newspaper and small local
sites, each publishing the way such sites do (feed kind, typing habits, encoding, datelines)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    """One invented news outlet served by the demo news server under ``/<code>/``."""

    code: str
    name: str
    kind: str  # a monitoring SourceKind value
    feed: str  # rss, rss1, atom, json, sitemap, page
    tier: int
    dateline: str  # how its own reports open
    copy_dateline: str  # how it opens another outlet's report ({source} is that outlet)
    signoff: str = ""
    organisation: str = ""  # the demo organisation whose own site this is
    arabic_letters: bool = False  # types Arabic ي and ك
    latin_digits: bool = False
    half_space: str = "\u200c"  # what it types for a ZWNJ: some sites a space, some nothing
    encoding: str = "utf-8"
    links: str = "id"  # id: /news/123; slug: /news/123/Persian-words; aspx: ShowNews.aspx?NewsID=

    @property
    def feed_path(self) -> str:
        return {
            "rss": f"/{self.code}/rss.xml",
            "rss1": f"/{self.code}/rdf",
            "atom": f"/{self.code}/atom.xml",
            "json": f"/{self.code}/feed.json",
            "sitemap": f"/{self.code}/sitemap-news.xml",
            "page": f"/{self.code}/",
        }[self.feed]


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        code="avay",
        name="خبرگزاری آوای ایران",
        kind="news_agency",
        feed="rss",
        tier=1,
        dateline="به گزارش خبرگزاری آوای ایران از تهران،",
        copy_dateline="به گزارش خبرگزاری آوای ایران به نقل از {source}،",
        signoff="انتهای پیام/",
        links="slug",
    ),
    Outlet(
        code="nabz",
        name="خبرگزاری نبض",
        kind="news_agency",
        feed="atom",
        tier=1,
        dateline="تهران- خبرگزاری نبض-",
        copy_dateline="تهران- خبرگزاری نبض- به نقل از {source}،",
    ),
    Outlet(
        code="ravi",
        name="خبرگزاری راوی",
        kind="news_agency",
        feed="json",
        tier=1,
        dateline="به گزارش خبرنگار راوی،",
        copy_dateline="به گزارش راوی به نقل از {source}،",
        latin_digits=True,
    ),
    Outlet(
        code="shahr",
        name="روزنامه شهر و مردم",
        kind="newspaper",
        feed="sitemap",
        tier=1,
        dateline="",
        copy_dateline="",
    ),
    Outlet(
        code="paytakht",
        name="پایتخت‌نیوز",
        kind="news_site",
        feed="rss",
        tier=2,
        dateline="به گزارش پایتخت‌نیوز،",
        copy_dateline="به گزارش پایتخت‌نیوز به نقل از {source}،",
        arabic_letters=True,
        half_space="",
    ),
    Outlet(
        code="ostandari",
        name="پایگاه اطلاع‌رسانی استانداری تهران",
        kind="provincial_site",
        feed="rss",
        tier=2,
        dateline="به گزارش روابط عمومی استانداری تهران،",
        copy_dateline="به گزارش روابط عمومی استانداری تهران،",
        organisation="tehran-governorate",
    ),
    Outlet(
        code="bohran",
        name="اداره کل مدیریت بحران استان تهران",
        kind="provincial_site",
        feed="rss",
        tier=2,
        dateline="به گزارش روابط عمومی اداره کل مدیریت بحران استان تهران،",
        copy_dateline="به گزارش روابط عمومی اداره کل مدیریت بحران استان تهران،",
        organisation="crisis-management",
    ),
    Outlet(
        code="abtehran",
        name="روابط عمومی شرکت آب منطقه‌ای تهران",
        kind="provincial_site",
        feed="json",
        tier=3,
        dateline="به گزارش روابط عمومی شرکت آب منطقه‌ای تهران،",
        copy_dateline="به گزارش روابط عمومی شرکت آب منطقه‌ای تهران،",
        organisation="regional-water",
    ),
    Outlet(
        code="shahriar",
        name="پایگاه اطلاع‌رسانی فرمانداری شهریار",
        kind="provincial_site",
        feed="page",
        tier=3,
        dateline="به گزارش روابط عمومی فرمانداری شهریار،",
        copy_dateline="به گزارش روابط عمومی فرمانداری شهریار،",
        organisation="county-shahriar",
    ),
    Outlet(
        code="damavand",
        name="پایگاه اطلاع‌رسانی فرمانداری دماوند",
        kind="provincial_site",
        feed="rss1",
        tier=3,
        dateline="به گزارش روابط عمومی فرمانداری دماوند،",
        copy_dateline="به گزارش روابط عمومی فرمانداری دماوند به نقل از {source}،",
        organisation="county-damavand",
    ),
    Outlet(
        code="reynameh",
        name="هفته‌نامه ری‌نامه",
        kind="news_site",
        feed="rss",
        tier=3,
        dateline="به گزارش ری‌نامه،",
        copy_dateline="به گزارش ری‌نامه به نقل از {source}،",
        arabic_letters=True,
        latin_digits=True,
        encoding="windows-1256",
        links="aspx",
    ),
    Outlet(
        code="sharq",
        name="پایگاه خبری شرق استان",
        kind="news_site",
        feed="atom",
        tier=3,
        dateline="به گزارش شرق استان،",
        copy_dateline="به گزارش شرق استان به نقل از {source}،",
        half_space=" ",
    ),
)

BY_CODE = {outlet.code: outlet for outlet in OUTLETS}
