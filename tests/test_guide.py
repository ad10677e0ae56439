"""The plain-language guide: its schema against the real texts, and its two uses (searched, shown labelled)."""
from __future__ import annotations

import json
import re

import pytest

from assistant.guide import GUIDE_DIR, LABEL, load_guide
from index.frontmatter import PARTS, front_paragraphs

TREATIES = {"un-cybercrime-2024": 68, "coe-budapest-2001": 48, "coe-budapest-protocol-2003": 16, "un-corruption-2003": 71}


@pytest.fixture(scope="module")
def files():
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GUIDE_DIR.glob("*.json"))}


def test_every_article_of_every_treaty_has_one_entry(files, corpus):
    assert set(files) == set(TREATIES)
    for tid, count in TREATIES.items():
        data = files[tid]
        assert data["treaty"] == tid and data["language"] == "en" and "Not treaty text" in data["_comment"]
        numbers = [e["article"] for e in data["entries"] if e["article"] not in PARTS]
        assert numbers == [a.number for a in corpus.get(tid, "en").articles] and len(numbers) == count
    # The UN Convention's preamble and adopting resolution have entries of their own, after the articles: one per part,
    # then one per paragraph (UN numbering, as index/frontmatter.py gives it).
    un = files["un-cybercrime-2024"]["entries"]
    assert [e["article"] for e in un if e["article"] in PARTS and "paragraph" not in e] == ["preamble", "resolution-preamble", "resolution"]
    paragraphs = [(e["article"], e["paragraph"]) for e in un if "paragraph" in e]
    front = front_paragraphs(corpus.get("un-cybercrime-2024", "en"), list(corpus.documents.values()))
    assert paragraphs == [(p.part, p.number) for p in front] and len(paragraphs) == 34


def test_terms_are_lowercase_unique_and_summaries_short(files):
    for data in files.values():
        for e in data["entries"]:
            terms = e["terms"]
            assert 5 <= len(terms) <= 15, (data["treaty"], e["article"])
            assert all(t == t.lower() and t.strip() == t and t for t in terms), (data["treaty"], e["article"], terms)
            assert len(set(terms)) == len(terms), (data["treaty"], e["article"])
            words = e["summary"].split()
            assert 5 <= len(words) <= 62 and len(re.findall(r"[.!?](?:\s|$)", e["summary"])) <= 3, (data["treaty"], e["article"])


def _text(corpus, treaty, article: str) -> str:
    """An entry's source text: its article, or the paragraphs of its part outside the articles."""
    if article in PARTS:
        return "\n\n".join(p.text for p in front_paragraphs(treaty, list(corpus.documents.values())) if p.part == article)
    return treaty.article(article).full_text()


def test_no_summary_names_an_article_its_text_does_not(files, corpus):
    for tid, data in files.items():
        treaty = corpus.get(tid, "en")
        for e in data["entries"]:
            text = _text(corpus, treaty, e["article"])
            for group in re.findall(r"\b[Aa]rticles?\s+((?:\d+(?:\s*(?:,|and|to|or|-|–)\s*)?)+)", e["summary"]):
                for number in re.findall(r"\d+", group):
                    assert re.search(rf"\b{number}\b", text), (tid, e["article"], number)


def test_no_summary_copies_the_treaty(files, corpus):
    """Our words, not the treaty's: no run of 8 words of a summary appears in its article (names aside)."""
    for tid, data in files.items():
        treaty = corpus.get(tid, "en")
        for e in data["entries"]:
            text = " ".join(re.findall(r"\w+", _text(corpus, treaty, e["article"]).lower()))
            words = re.findall(r"\w+", e["summary"].lower())
            for i in range(len(words) - 7):
                window = words[i:i + 8]
                if sum(w.isdigit() for w in window) >= 3:
                    continue  # a list of the article numbers it names is a reference, not copied prose
                assert " ".join(window) not in text, (tid, e["article"], " ".join(window))


def test_terms_in_finds_everyday_words():
    guide = load_guide()
    found = guide.terms_in("Is a DDoS attack on a bank a crime?", "un-cybercrime-2024")
    assert ("un-cybercrime-2024", "10") in found and "ddos" in found[("un-cybercrime-2024", "10")]
    assert guide.terms_in("the weather tomorrow", "un-cybercrime-2024") == {}


def test_the_guide_field_lifts_the_article_a_lay_word_names(qa):
    scope = qa.scope(["un-cybercrime-2024"])[0]
    query = qa.embedder.encode_queries(["Is revenge porn illegal?"])
    lift = qa.retriever.guide_scores("Is revenge porn illegal?", scope, query)
    assert max(lift, key=lift.get) == ("un-cybercrime-2024", "16")
    hits, _ = qa.retriever.rank("Is revenge porn illegal?", scope, k=3)
    assert qa.retriever.chunks[hits[0].row].article == "16"


def test_answers_show_the_guide_labelled_as_editorial(qa):
    answer = qa.ask("Is revenge porn illegal?", ["un-cybercrime-2024"])
    data = answer.to_dict()
    assert data["guide"] and data["guide"][0]["editorial"] is True
    assert data["guide"][0]["id"] == "un-cybercrime-2024/en/art-16"
    assert data["guide"][0]["summary"] == load_guide().entry("un-cybercrime-2024", "16").summary
    # the guide is never quoted as treaty text: no answer line is a guide summary
    summaries = {e.summary for e in load_guide().entries.values()}
    assert not any(text in summaries for text, _ in answer.quotes)
    assert LABEL == "In brief — editorial summary, not treaty text"


GENERIC = {"convention", "treaty", "state", "article", "country", "convención", "tratado", "estado", "artículo", "país",
           "übereinkommen", "vertrag", "staat", "artikel", "verdrag", "land", "конвенция", "договор", "государство",
           "статья", "страна", "公约", "条约", "国家", "条款", "اتفاقية", "معاهدة", "دولة", "مادة"}


def test_translations_cover_every_entry_with_their_own_terms():
    """The guide in other languages: the same entries as the English one, labelled editorial, terms of their own.
    Every treaty a question in that language is searched in across languages has one: all four in the six UN
    languages and German; in Dutch the UN Convention only, the others having Dutch texts of their own here (a guide
    in the question's language to some treaties and not to others let the UN Convention's articles outrank those of
    the treaty a French question named)."""
    folders = sorted(p for p in GUIDE_DIR.iterdir() if p.is_dir())
    assert [p.name for p in folders] == ["ar", "de", "es", "fr", "nl", "ru", "zh"]
    for folder in folders:
        covered = ["un-cybercrime-2024"] if folder.name == "nl" else sorted(TREATIES)
        assert sorted(p.stem for p in folder.glob("*.json")) == sorted(covered), folder.name
        for tid in covered:
            english = json.loads((GUIDE_DIR / f"{tid}.json").read_text(encoding="utf-8"))
            data = json.loads((folder / f"{tid}.json").read_text(encoding="utf-8"))
            assert data["language"] == folder.name and data["treaty"] == tid
            assert "Not treaty text" in data["_comment"]
            assert [e["article"] for e in data["entries"]] == [e["article"] for e in english["entries"] if "paragraph" not in e]
            summaries = {e["summary"] for e in english["entries"]}
            for e in data["entries"]:
                assert 8 <= len(e["terms"]) <= 15 and len(set(e["terms"])) == len(e["terms"]), (folder.name, tid, e["article"])
                assert all(t == t.lower() and t.strip() == t and t not in GENERIC for t in e["terms"]), (folder.name, tid, e["article"])
                assert e["summary"].strip() and e["summary"] not in summaries, (folder.name, tid, e["article"])


def test_terms_of_the_question_language_are_found():
    guide = load_guide()
    assert ("un-cybercrime-2024", "37") in guide.terms_in("一个国家可以拒绝引渡本国国民吗？", "un-cybercrime-2024", "zh")
    assert ("un-cybercrime-2024", "7") in guide.terms_in("Le piratage est-il un crime ?", "un-cybercrime-2024", "fr")
    assert guide.terms_in("Le piratage est-il un crime ?", "un-cybercrime-2024", "en") == {}  # French terms only for French
    entry = guide.entry("un-cybercrime-2024", "37", "fr")
    assert entry.language == "fr" and entry.summary != guide.entry("un-cybercrime-2024", "37").summary
    assert guide.entry("coe-budapest-2001", "2", "fr").language == "fr"
    assert guide.entry("coe-budapest-2001", "2", "nl").language == "en"  # no Dutch guide to Budapest: the English one
