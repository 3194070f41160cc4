"""Back up and restore a knowledge base's index: catalog snapshot + vectors in one .tar.gz (`assistant export` /
`assistant import`); the same ids, so the same answers, after a restore."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import kb
from assistant.embed import Embedder, get_embedder
from assistant.settings import Settings
from assistant.store import Catalog, IndexMismatch, VectorStore, WriterLock

if TYPE_CHECKING:
    from assistant.index import Library


def export_archive(library: Library, path: Path) -> dict[str, int]:
    """Write the whole index (catalog snapshot + vectors) to a .tar.gz; readers and the writer may keep running."""
    import io
    import tarfile
    import tempfile

    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "catalog.sqlite3"
        library.catalog.backup(snap)  # a consistent snapshot, even while writing
        ids = sorted(library.catalog.chunk_ids())
        vecs, metas = [], []
        for i in range(0, len(ids), 1000):
            got = library.vectors.col.get(ids=ids[i : i + 1000], include=["embeddings", "metadatas"])
            order = {cid: k for k, cid in enumerate(got["ids"])}
            for cid in ids[i : i + 1000]:
                k = order[cid]
                vecs.append(np.asarray(got["embeddings"][k], np.float32))
                metas.append(got["metadatas"][k])
        buf = io.BytesIO()
        np.savez(
            buf, ids=np.array(ids), vectors=np.stack(vecs) if vecs else np.zeros((0, library.embedder.dim), np.float32)
        )
        (Path(tmp) / "vectors.npz").write_bytes(buf.getvalue())
        (Path(tmp) / "metadatas.json").write_text(json.dumps(metas, ensure_ascii=False), encoding="utf-8")
        (Path(tmp) / "manifest.json").write_text(
            json.dumps({"embedder": library.embedder.name, "dim": library.embedder.dim, "chunks": len(ids)}),
            encoding="utf-8",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w:gz") as tar:
            for name in ("manifest.json", "catalog.sqlite3", "vectors.npz", "metadatas.json"):
                tar.add(Path(tmp) / name, arcname=name)
    return {"documents": len(library.documents()), "chunks": len(ids)}


def import_archive(settings: Settings, path: Path, embedder: Embedder | None = None) -> dict[str, int]:
    """Replace the index with an archive from export_archive (same ids, same answers)."""
    import tarfile
    import tempfile

    import numpy as np

    settings = kb.for_kb(settings)
    kb.require(settings)
    lock = WriterLock(Path(settings.index_dir))
    lock.acquire()
    try:
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
            manifest = json.loads((Path(tmp) / "manifest.json").read_text(encoding="utf-8"))
            emb = embedder or get_embedder(settings.embedder, settings.embed_url, settings.llm_api_key)
            if manifest["embedder"] != emb.name:
                raise IndexMismatch(
                    f"the archive was built with {manifest['embedder']}; "
                    f"set ASSISTANT_EMBEDDER={manifest['embedder']} to import it"
                )
            d = Path(settings.index_dir)
            for name in ("catalog.sqlite3-wal", "catalog.sqlite3-shm", "bm25.npz"):
                (d / name).unlink(missing_ok=True)
            shutil.copy2(Path(tmp) / "catalog.sqlite3", d / "catalog.sqlite3")
            store = VectorStore(d, settings.collection, settings.chroma_url)
            store.reset()
            z = np.load(Path(tmp) / "vectors.npz")
            metas = json.loads((Path(tmp) / "metadatas.json").read_text(encoding="utf-8"))
            ids = [str(i) for i in z["ids"]]
            catalog = Catalog(d / "catalog.sqlite3")
            docs = catalog.chunks(ids)
            catalog.close()
            store.add(ids, z["vectors"], metas, [docs[i].text for i in ids])
            store.close()
    finally:
        lock.release()
    return {"chunks": manifest["chunks"]}
