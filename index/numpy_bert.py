"""Questions encoded without torch: a sentence-transformers BERT model with mean pooling, run in numpy.

Importing torch and sentence-transformers takes about 3.3 s on our machines, most of a restart,
while one question is a few dozen tokens. This runs the same network (embeddings, self-attention
layers, mean pooling, L2 normalisation) from the folder's own `model.safetensors` and
`tokenizer.json`. The index is still embedded by sentence-transformers, and tests hold the two to
the same vectors (tests/test_numpy_bert.py). Folders it cannot run exactly (another architecture,
another pooling, a prompt) get None from `NumpyBert.load`, and sentence-transformers is used.

    >>> enc = NumpyBert.load(bundled_model_dir())
    >>> enc.encode(["Can a country refuse extradition?"]).shape
    (1, 384)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PIPELINE = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize"]
OTHER_POOLING = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                 "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")


def _read_json(path: Path) -> dict | list | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _runnable(folder: Path) -> tuple[dict, int] | None:
    """(BERT config, max tokens) if the folder is a model this encoder reproduces exactly, else None."""
    modules = _read_json(folder / "modules.json")
    config = _read_json(folder / "config.json")
    st = _read_json(folder / "sentence_bert_config.json") or {}
    st_config = _read_json(folder / "config_sentence_transformers.json") or {}
    if not isinstance(modules, list) or [m.get("type") for m in modules] != PIPELINE or not isinstance(config, dict):
        return None
    pooling = _read_json(folder / modules[1].get("path", "") / "config.json") or {}
    if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
            or not pooling.get("pooling_mode_mean_tokens") or any(pooling.get(k) for k in OTHER_POOLING)
            or st.get("do_lower_case") or any((st_config.get("prompts") or {}).values())
            or not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file()):
        return None
    return config, int(st.get("max_seq_length") or config["max_position_embeddings"])


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, below float32's resolution here): numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@dataclass
class NumpyBert:
    """A BERT sentence encoder (mean pooling, normalised) whose forward pass is plain numpy."""

    weights: dict[str, np.ndarray]  # linear weights stored transposed: x @ w + b
    tokenizer: object  # tokenizers.Tokenizer, truncating like sentence-transformers
    layers: int
    heads: int
    eps: float

    @classmethod
    def load(cls, folder: Path) -> "NumpyBert | None":
        """The encoder for a sentence-transformers folder it can run exactly, or None."""
        found = _runnable(Path(folder))
        if found is None:
            return None
        config, max_tokens = found
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
            raw = load_file(str(Path(folder) / "model.safetensors"))
        except Exception:  # noqa: BLE001 (a damaged file: sentence-transformers loads it and reports why)
            return None
        tokenizer.no_padding()  # one question at a time: no padding, so no mask is needed
        tokenizer.enable_truncation(max_tokens)
        prefix = "bert." if any(k.startswith("bert.") for k in raw) else ""
        weights = {k[len(prefix):]: (np.ascontiguousarray(v.T) if k.endswith(".weight") and v.ndim == 2
                                     and "embeddings" not in k else v).astype(np.float32, copy=False)
                   for k, v in raw.items() if v.dtype != np.int64}
        return cls(weights, tokenizer, int(config["num_hidden_layers"]), int(config["num_attention_heads"]),
                   float(config.get("layer_norm_eps", 1e-12)))

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        return int(self.weights["embeddings.word_embeddings.weight"].shape[1])

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"], self.eps)

    def _layer(self, x: np.ndarray, n: int) -> np.ndarray:
        p = f"encoder.layer.{n}"
        tokens, width = x.shape
        size = width // self.heads

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(tokens, self.heads, size).transpose(1, 0, 2)

        q, k, v = (heads(self._linear(x, f"{p}.attention.self.{name}")) for name in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(size))
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        context = (scores / scores.sum(-1, keepdims=True)) @ v
        x = self._norm(x + self._linear(context.transpose(1, 0, 2).reshape(tokens, width), f"{p}.attention.output.dense"),
                       f"{p}.attention.output.LayerNorm")
        hidden = _gelu(self._linear(x, f"{p}.intermediate.dense"))
        return self._norm(x + self._linear(hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm")

    def _one(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.weights
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        for n in range(self.layers):
            x = self._layer(x, n)
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        return np.vstack([self._one(t) for t in texts]).astype(np.float32) if texts else np.zeros((0, self.dimension), np.float32)
