"""Our tokens against Lucene's PersianAnalyzer (Debian's liblucene8-java), up to fold direction.

Lucene folds to Arabic letters (ي ك), keeps hamza forms, splits at ZWNJ and removes its own
stopwords; we fold to Persian letters and bare letters and join at ZWNJ. So Lucene reads each
phrase with its ZWNJ removed, its tokens pass through our ``search_key``, and the stopwords of
both lists are set aside. What remains must be the same set of words.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ravabet.lib.text import STOPWORDS, search_key, tokens

_JARS = ("lucene-core", "lucene-analyzers-common")

_SOURCE = """
import java.io.*;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

public class PersianTokens {
  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    StringBuilder stop = new StringBuilder();
    for (Object word : PersianAnalyzer.getDefaultStopSet()) {
      stop.append(new String((char[]) word)).append(' ');
    }
    out.println(stop.toString().trim());
    try (Analyzer analyzer = new PersianAnalyzer()) {
      String line;
      while ((line = in.readLine()) != null) {
        StringBuilder words = new StringBuilder();
        try (TokenStream stream = analyzer.tokenStream("f", line)) {
          CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
          stream.reset();
          while (stream.incrementToken()) {
            words.append(term.toString()).append(' ');
          }
          stream.end();
        }
        out.println(words.toString().trim());
      }
    }
  }
}
"""

# Text the project writes, typed the ways people type it.
PHRASES = [
    "نشست شورای اطلاع‌رسانی استان تهران",
    "نشست شوراي اطلاع‌رساني استان تهران",
    "اداره کل روابط عمومی و امور بین‌الملل استانداری",
    "اداره كل روابط عمومي و امور بين‌الملل استانداري",
    "گزارش عملکرد سال ۱۴۰۵ با رشد ۳٫۵ درصدی",
    "گزارش عملکرد سال ١٤٠٥ با رشد ٣٫٥ درصدی",
    "بودجه ۱٬۲۵۰ میلیارد ریالی مصوب شد",
    "مسئول مؤسسه فرهنگی آیین‌نامه را امضا کرد",
    "رئیس هیئت مدیره و اعضای کمیسیون",
    "دائرةالمعارف بزرگ اسلامی",
    "روابـــــط عُمومی اسـتـانداری",
    "ﻧﺸﺴﺖ ﺧﺒﺮﯼ ﺍﺳﺘﺎﻧﺪﺍﺭ",
    "کتاب‌های جدید کتابخانهٔ مرکزی",
    "می‌روم و نمی‌دانم چرا دیر شد",
    "\u200fبازدید\u200e معاون\u00a0سیاسی از فرمانداری‌ها",
    "«بیانیه» خبری، ساعت ۱۰؛ آیا حضور دارید؟",
    "Ravabet نسخه 2 در Tehran",
]


def _jar(name: str) -> Path:
    found = sorted(Path("/usr/share/java").glob(f"{name}-[0-9]*.jar"))
    assert found, f"{name} is missing: apt-get install liblucene8-java (scripts/test does it)"
    return found[-1]


@pytest.fixture(scope="module")
def lucene(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], list[list[str]]]:
    """Lucene's stopwords and its tokens for each phrase, from one compiled Java run."""
    classpath = ":".join(str(_jar(name)) for name in _JARS)
    build = tmp_path_factory.mktemp("lucene")
    (build / "PersianTokens.java").write_text(_SOURCE, encoding="utf-8")
    javac = ["javac", "-encoding", "UTF-8", "-cp", classpath, "-d", str(build)]
    subprocess.run([*javac, str(build / "PersianTokens.java")], check=True, timeout=60)
    phrases = "\n".join(phrase.replace("\u200c", "") for phrase in PHRASES) + "\n"
    result = subprocess.run(
        ["java", "-cp", f"{classpath}:{build}", "PersianTokens"],
        input=phrases.encode(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    stop_line, *lines = result.stdout.decode().splitlines()
    return set(stop_line.split()), [line.split() for line in lines]


def test_lucene_persian_analyzer_and_our_tokens_agree_up_to_fold_direction(
    lucene: tuple[set[str], list[list[str]]],
) -> None:
    lucene_stopwords, lucene_tokens = lucene
    ignored = STOPWORDS | {search_key(word) for word in lucene_stopwords}
    assert len(lucene_tokens) == len(PHRASES)
    for phrase, theirs in zip(PHRASES, lucene_tokens, strict=True):
        ours = {token for token in tokens(phrase) if token not in ignored}
        folded = {key for token in theirs for key in tokens(token) if key not in ignored}
        assert ours == folded, phrase
        assert ours


def test_lucene_folds_letter_variants_together_as_we_do(
    lucene: tuple[set[str], list[list[str]]],
) -> None:
    # The Arabic-letter and Persian-letter spellings give one token set on both sides.
    _, lucene_tokens = lucene
    for persian, arabic in ((0, 1), (2, 3), (4, 5)):
        assert lucene_tokens[persian] == lucene_tokens[arabic]
        assert tokens(PHRASES[persian]) == tokens(PHRASES[arabic])
