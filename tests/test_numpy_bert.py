"""The torch-free question encoder: the same vectors as sentence-transformers, and no torch at start."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from index.config import PROJECT_ROOT
from index.embedding import bundled_model_dir, load_embedder
from index.numpy_bert import NumpyBert


@pytest.fixture(scope="module")
def numpy_bert():
    encoder = NumpyBert.load(bundled_model_dir())
    assert encoder is not None and encoder.dimension == 384
    return encoder


@pytest.fixture(scope="module")
def minilm():
    """The bundled all-MiniLM-L6-v2 (no longer the default model, still a supported one)."""
    return load_embedder("all-MiniLM-L6-v2")


def test_questions_get_the_sentence_transformers_vectors(numpy_bert, minilm):
    from eval.questions import load_questions

    texts = [q.question for q in load_questions()] + [
        "word " * 400,  # past the model's 256 tokens: truncated the same way
        "Kan een land weigeren zijn eigen onderdanen uit te leveren?", "Ünïcödé — “quotes” ½ 中文 \u200b", "",
    ]
    library = minilm.model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    ours = numpy_bert.encode(texts)
    assert ours.dtype == np.float32 and ours.shape == (len(texts), 384)
    assert np.abs(ours - library).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-6)


def test_the_bundled_minilm_encodes_questions_with_it(minilm, numpy_bert):
    assert minilm.queries is not None
    question = "Can a country refuse to extradite its own nationals?"
    assert np.abs(minilm.encode_queries([question]) - numpy_bert.encode([question])).max() == 0
    library_only = load_embedder("all-MiniLM-L6-v2", torch_free_queries=False)
    assert library_only.queries is None
    assert np.abs(library_only.encode_queries([question]) - numpy_bert.encode([question])).max() < 1e-5


def _variant(tmp_path, change) -> NumpyBert | None:
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), folder)
    change(folder)
    return NumpyBert.load(folder)


def _edit(path, **values):
    data = json.loads(path.read_text())
    data.update(values)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("change", [
    lambda f: _edit(f / "1_Pooling" / "config.json", pooling_mode_mean_tokens=False, pooling_mode_cls_token=True),
    lambda f: _edit(f / "config.json", model_type="roberta"),
    lambda f: _edit(f / "config.json", hidden_act="gelu_new"),
    lambda f: _edit(f / "config_sentence_transformers.json", prompts={"query": "query: "}),
    lambda f: (f / "modules.json").write_text(json.dumps(json.loads((f / "modules.json").read_text())[:2])),
    lambda f: (f / "model.safetensors").write_bytes(b"not weights"),
], ids=["cls-pooling", "other-architecture", "other-activation", "query-prompt", "not-normalised", "damaged-weights"])
def test_models_it_cannot_run_exactly_are_left_to_sentence_transformers(tmp_path, change):
    assert _variant(tmp_path, change) is None


def test_a_restart_answers_without_importing_torch(corpus_dir, index_data_dir):
    code = ("import sys\nfrom pathlib import Path\nfrom assistant.engine import Assistant\n"
            f"qa = Assistant.open(Path({str(corpus_dir)!r}), Path({str(index_data_dir)!r}), rebuild=False)\n"
            "answer = qa.ask('Can a country refuse to extradite its own nationals?', treaties=['un-cybercrime-2024'])\n"
            "print(answer.citations[0].article, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "TREATY_QA_QUERY_ENCODER"}
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.split() == ["37", "False", "False"]
