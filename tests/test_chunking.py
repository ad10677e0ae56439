"""Chunks: never across an article, lossless, split at paragraph boundaries first, cited."""
from __future__ import annotations

import pytest

from index.chunking import ChunkParams, article_blocks, chunk_treaty
from index.pinpoint import resolve

PARAMS = ChunkParams(size=800)


@pytest.fixture(scope="module")
def un_chunks(un):
    return chunk_treaty(un, PARAMS)


def test_every_article_is_covered_losslessly_and_no_chunk_crosses_articles(corpus):
    for treaty in corpus.treaties.values():
        chunks = chunk_treaty(treaty, PARAMS)
        for article in treaty.articles:
            mine = [c for c in chunks if c.kind == "article" and c.article == article.number]
            assert mine, f"{treaty.id}/{treaty.language} Art. {article.number} has no chunk"
            joined = " ".join(" ".join(text for _, text in c.blocks) for c in mine).split()
            original = " ".join(text for group in article_blocks(article) for _, text in group).split()
            assert joined == original, f"{treaty.id}/{treaty.language} Art. {article.number} lost or repeated text"
        # every block path exists in its article, so every block can be cited
        for c in chunks:
            if c.kind == "article":
                article = treaty.article(c.article)
                for path, _ in c.blocks:
                    assert path == () or article.find(path) is not None


def test_short_article_stays_whole(un_chunks, un):
    art7 = [c for c in un_chunks if c.article == "7" and c.kind == "article"]
    assert len(art7) == 1
    assert art7[0].label == "UN Convention against Cybercrime, Art. 7"
    assert art7[0].text == un.article("7").full_text()


def test_long_article_splits_at_paragraphs_within_size(un_chunks):
    art40 = [c for c in un_chunks if c.article == "40" and c.kind == "article"]
    assert len(art40) > 15  # 17,686 characters
    assert all(len(c.text) <= PARAMS.size for c in art40)
    # each chunk starts a paragraph or point, or (for a paragraph longer than the size)
    # continues the previous chunk's paragraph at a sentence start
    for before, c in zip(art40, art40[1:]):
        path, text = c.blocks[0]
        if text[:1] not in "0123456789(":
            assert before.blocks[-1][0] == path and before.blocks[-1][1].endswith("."), c.label
            assert text[:1].isupper(), text[:40]
    # labels name the smallest node holding the whole chunk
    single = [c for c in art40 if all(p[:1] == ("21",) for p, _ in c.blocks)]
    assert single and single[0].label == "UN Convention against Cybercrime, Art. 40(21)"
    assert single[0].paragraph == "21" and single[0].point is None


def test_header_carries_treaty_chapter_and_article(un_chunks):
    c = next(c for c in un_chunks if c.article == "41" and c.kind == "article")
    assert c.header == ("UN Convention against Cybercrime — Chapter V. International cooperation — Article 41. 24/7 network")
    assert c.embedding_text().startswith(c.header)
    assert not c.embedding_text(with_header=False).startswith("UN Convention")


def test_point_chunk_carries_its_paragraph_lead_in(un_chunks):
    c = next(c for c in un_chunks if c.article == "35" and c.point == "c")
    assert c.label == "UN Convention against Cybercrime, Art. 35(1)(c)"
    assert c.context.startswith("1. States Parties shall cooperate with each other")
    assert c.context not in c.text


def test_notes_are_chunks_cited_as_notes(un_chunks, un):
    notes = [c for c in un_chunks if c.kind == "note"]
    assert {c.label for c in notes} == {
        "UN Convention against Cybercrime, interpretative note on Art. 2",
        "UN Convention against Cybercrime, interpretative note on Art. 17",
        "UN Convention against Cybercrime, interpretative note on Arts. 23 and 35",
        "UN Convention against Cybercrime, interpretative note on Art. 35",
    }
    joint = next(c for c in notes if c.articles == ["23", "35"])
    assert "Article 23. Scope of procedural measures" in joint.header
    assert resolve([un], joint.node_id).text.startswith("4. The term “criminal investigations”")


def test_smaller_size_gives_more_smaller_chunks(un):
    small = chunk_treaty(un, ChunkParams(size=300))
    assert len(small) > len(chunk_treaty(un, PARAMS))
    # a single provision longer than the size is cut between sentences, text still verbatim
    assert all(len(c.text) <= 300 for c in small if c.kind in ("article", "note"))
    # preamble paragraphs are chunked whole whatever the size (index/chunking.py chunk_front says why)
