"""Bad treaty files: one clear error naming the file; nothing half-written; others still load."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from fpdf import FPDF

from index.catalog import catalog_entry
from index.corpus import load_corpus, parse_file, read_registry, register_file
from index.errors import CorpusError


def _pdf_without_text(path: Path) -> Path:
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.rect(72, 72, 300, 400, style="F")  # a page that is only a picture
    pdf.output(str(path))
    return path


@pytest.fixture()
def uncac_md(corpus_dir) -> str:
    return (corpus_dir / "un-2003-convention-against-corruption.md").read_text(encoding="utf-8")


def test_empty_file(tmp_path):
    f = tmp_path / "empty.md"
    f.write_text("")
    with pytest.raises(CorpusError, match=r"empty\.md: the file is empty"):
        parse_file(f, catalog_entry("un-corruption-2003"), "en")


def test_binary_garbage(tmp_path):
    f = tmp_path / "garbage.txt"
    f.write_bytes(os.urandom(2048) + b"\x00" * 10)
    with pytest.raises(CorpusError, match=r"garbage\.txt: binary data"):
        parse_file(f, catalog_entry("un-corruption-2003"), "en")


def test_garbage_with_pdf_suffix(tmp_path):
    f = tmp_path / "fake.pdf"
    f.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    with pytest.raises(CorpusError, match=r"fake\.pdf: "):
        parse_file(f, catalog_entry("un-cybercrime-2024"), "en")


def test_pdf_without_text_layer(tmp_path):
    f = _pdf_without_text(tmp_path / "scan.pdf")
    with pytest.raises(CorpusError, match=r"scan\.pdf: the PDF has no text layer"):
        parse_file(f, catalog_entry("un-cybercrime-2024"), "en")


def test_unsupported_suffix(tmp_path):
    f = tmp_path / "treaty.docx"
    f.write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError, match=r"unsupported file type \.docx"):
        parse_file(f, catalog_entry("un-cybercrime-2024"), "en")


def test_article_number_that_repeats(tmp_path, uncac_md):
    f = tmp_path / "repeat.md"
    f.write_text(uncac_md.replace("### Article  5  ", "### Article  4  ", 1), encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        parse_file(f, catalog_entry("un-corruption-2003"), "en")
    line = uncac_md.splitlines().index("### Article  5  ") + 1
    assert str(err.value) == f"{f}, line {line}: article numbering repeats: found Article 4, expected Article 5"


def test_article_number_that_skips(tmp_path, uncac_md):
    f = tmp_path / "skip.md"
    f.write_text(re.sub(r"### Article  7  \n\n####[^\n]*\n", "", uncac_md, count=1), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"skip\.md, line \d+: article numbering skips: found Article 8, expected Article 7"):
        parse_file(f, catalog_entry("un-corruption-2003"), "en")


def test_structure_that_does_not_match_its_catalog_entry(tmp_path, corpus_dir):
    data = tmp_path / "data"
    with pytest.raises(CorpusError, match=r"does not match catalog entry un-corruption-2003 \(en\): 16 articles, expected 71; 4 chapters, expected 8"):
        register_file(corpus_dir / "coe-ets189-additional-protocol.md", "un-corruption-2003", "en", data)
    assert not data.exists() or not any(data.rglob("*")), "nothing may be written for a rejected file"


def test_unknown_treaty_and_language(tmp_path, corpus_dir):
    with pytest.raises(KeyError, match="unknown treaty id 'nope'"):
        register_file(corpus_dir / "coe-ets189-additional-protocol.md", "nope", "en", tmp_path)
    with pytest.raises(CorpusError, match="has no 'de' version"):
        register_file(corpus_dir / "coe-ets189-additional-protocol.md", "coe-budapest-protocol-2003", "de", tmp_path)


def test_one_bad_file_does_not_stop_the_others(tmp_path, corpus_dir):
    shared = tmp_path / "corpus"
    shared.mkdir()
    for f in corpus_dir.iterdir():
        (shared / f.name).symlink_to(f)
    (shared / "coe-ets189-additional-protocol.md").unlink()
    (shared / "coe-ets189-additional-protocol.md").write_bytes(b"")
    (shared / "A_RES_79_243-en.pdf").unlink()
    _pdf_without_text(shared / "A_RES_79_243-en.pdf")
    corpus = load_corpus(shared, tmp_path / "data")
    assert sorted(corpus.treaties) == [("coe-budapest-2001", "en"), ("coe-budapest-2001", "nl"),
                                       ("un-corruption-2003", "en"), ("un-corruption-2003", "nl")]
    assert len(corpus.problems) == 3
    assert any("A_RES_79_243-en.pdf: the PDF has no text layer" in p for p in corpus.problems)
    assert sum("coe-ets189-additional-protocol.md: the file is empty" in p for p in corpus.problems) == 2


def test_registering_a_good_file_writes_file_and_registry_atomically(tmp_path, corpus_dir):
    data = tmp_path / "data"
    treaty, dest = register_file(corpus_dir / "un-2003-convention-against-corruption.md", "un-corruption-2003", "nl", data)
    assert treaty.counts()["articles"] == 71
    assert dest.read_bytes() == (corpus_dir / "un-2003-convention-against-corruption.md").read_bytes()
    reg = read_registry(data)
    assert reg["un-corruption-2003/nl"]["file"] == dest.name
    assert reg["un-corruption-2003/nl"]["verified"] is True
    assert json.loads((data / "corpus" / "registry.json").read_text())  # complete JSON
    assert not [p for p in (data / "corpus").iterdir() if p.name.endswith(".tmp")]


def test_plain_text_in_un_layout_parses_like_the_pdf(tmp_path, corpus_dir, un):
    # A user-supplied text/markdown file with "Article N. Title" headings takes the text path.
    f = tmp_path / "convention.txt"
    f.write_bytes((corpus_dir / "un-cybercrime-convention.md").read_bytes())
    treaty, resolution = parse_file(f, catalog_entry("un-cybercrime-2024"), "en")
    assert resolution is None
    assert treaty.title == un.title
    assert treaty.counts() == un.counts()
    assert [a.title for a in treaty.articles] == [a.title for a in un.articles]
    assert treaty.article("41").find(("3", "e")).text == un.article("41").find(("3", "e")).text
    assert [n.articles for n in treaty.notes] == [["2"], ["17"], ["23", "35"], ["35"]]
