"""Knowledge bases: several libraries side by side, one per department or region.

Layout under the index dir (ASSISTANT_INDEX_DIR, default `index/`):

    index/                  the `default` knowledge base: today's layout, corpus in ASSISTANT_CORPUS_DIR
    index/kbs/NAME/         every other knowledge base: its catalog, Chroma store, BM25, indicator records
    index/kbs/NAME/kb.json  its id (Chroma collection `policy-<id>`, so a rename keeps a Chroma server's data)
    index/kbs/NAME/corpus/  the files pasted or uploaded into it (what `reindex` rebuilds it from)

The directory name is the knowledge base's name: a rename is one `os.rename`, a delete moves the directory
out of the listing first and then removes it, so a crash never leaves half a knowledge base visible.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from assistant.settings import Settings

DEFAULT = "default"
ALL = "全部"  # asks every knowledge base (the page's selector, the API's model "all")
RESERVED = {DEFAULT, ALL, "all", "kbs"}
NAME = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z_\-\u4e00-\u9fff]{0,47}$")
KBS_DIR = "kbs"
MARKER = "kb.json"


class KBError(ValueError):
    """A bad knowledge-base name or operation (the message says what to do)."""


class UnknownKB(KBError):
    """No knowledge base of that name."""


def check_name(name: str) -> str:
    """The name, stripped, or KBError saying what a name may hold."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise KBError(
            f"知识库名称「{name}」不合法 (invalid knowledge base name {name!r}): use 1-48 letters, digits, "
            "Chinese characters, '-' or '_', starting with a letter, digit or Chinese character"
        )
    return name


def _base(settings: Settings) -> tuple[Path, Path, str]:
    """(index dir, corpus dir, collection) of the default knowledge base, whatever KB settings are for."""
    base = settings._kb_base
    return base if base is not None else (Path(settings.index_dir), Path(settings.corpus_dir), settings.collection)


def root(settings: Settings) -> Path:
    """The index dir holding every knowledge base (the default one's directory)."""
    return _base(settings)[0]


def kb_dir(settings: Settings, name: str) -> Path:
    return root(settings) if name == DEFAULT else root(settings) / KBS_DIR / name


def _info(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def for_kb(settings: Settings, name: str | None = None) -> Settings:
    """Settings whose index dir, corpus dir and collection are those of knowledge base `name` (default:
    `settings.kb`, i.e. ASSISTANT_KB). Idempotent: settings already for that knowledge base come back as they are."""
    name = check_name(settings.kb if name is None else name)
    if settings._kb_base is not None and name == settings.kb:
        return settings
    index_dir, corpus_dir, collection = base = _base(settings)
    if name != DEFAULT:
        path = index_dir / KBS_DIR / name
        kb_id = _info(path).get("id") or name
        index_dir, corpus_dir, collection = path, path / "corpus", f"{collection}-{kb_id}"
    out = settings.model_copy(
        update={"kb": name, "index_dir": index_dir, "corpus_dir": corpus_dir, "collection": collection}
    )
    out._kb_base = base
    return out


def exists(settings: Settings, name: str) -> bool:
    name = check_name(name)
    return name == DEFAULT or (kb_dir(settings, name) / MARKER).is_file()


def require(settings: Settings, name: str | None = None) -> str:
    """The checked name of an existing knowledge base, or UnknownKB listing the ones there are."""
    name = check_name(settings.kb if name is None else name)
    if not exists(settings, name):
        raise UnknownKB(
            f"没有名为「{name}」的知识库 (no knowledge base {name!r}); existing: {', '.join(names(settings))}. "
            f"Create it with `assistant kb create {name}`."
        )
    return name


def names(settings: Settings) -> list[str]:
    """Every knowledge base, `default` first."""
    folder = root(settings) / KBS_DIR
    found = (
        sorted(p.name for p in folder.iterdir() if p.is_dir() and NAME.match(p.name) and (p / MARKER).is_file())
        if folder.is_dir()
        else []
    )
    return [DEFAULT, *found]


def describe(settings: Settings, name: str) -> dict[str, Any]:
    """{name, documents, chunks, created_at} read from the catalog without opening Chroma."""
    import sqlite3

    path = kb_dir(settings, name)
    docs = chunks = 0
    db_path = path / "catalog.sqlite3"
    if db_path.exists():
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            docs = int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
            chunks = int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
        except sqlite3.Error:
            pass
        finally:
            db.close()
    created = _info(path).get("created_at") or (path.stat().st_mtime if path.exists() else 0)
    return {"name": name, "documents": docs, "chunks": chunks, "created_at": created}


def create(settings: Settings, name: str) -> dict[str, Any]:
    """Create an empty knowledge base; KBError when the name is taken or reserved."""
    name = check_name(name)
    if name in RESERVED:
        raise KBError(f"「{name}」是保留名称 (reserved name {name!r}); choose another name")
    if exists(settings, name):
        raise KBError(f"知识库「{name}」已存在 (knowledge base {name!r} already exists)")
    folder = root(settings) / KBS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".new-{name}-{secrets.token_hex(4)}"
    tmp.mkdir()
    info = {"id": secrets.token_hex(6), "created_at": time.time()}
    (tmp / MARKER).write_text(json.dumps(info), encoding="utf-8")
    (tmp / "corpus").mkdir()
    try:
        tmp.rename(folder / name)  # appears whole or not at all
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise KBError(f"知识库「{name}」已存在 (knowledge base {name!r} already exists)") from exc
    return {"name": name, **info}


def _locked(settings: Settings, name: str) -> Any:
    from assistant.store import WriterLock

    lock = WriterLock(kb_dir(settings, name))
    lock.acquire()
    return lock


def rename(settings: Settings, old: str, new: str) -> dict[str, Any]:
    """Rename a knowledge base (its documents, vectors and API-key grants move with it)."""
    old, new = require(settings, old), check_name(new)
    if old == DEFAULT:
        raise KBError("默认知识库不能重命名 (the default knowledge base cannot be renamed)")
    if new in RESERVED:
        raise KBError(f"「{new}」是保留名称 (reserved name {new!r}); choose another name")
    if exists(settings, new):
        raise KBError(f"知识库「{new}」已存在 (knowledge base {new!r} already exists)")
    lock = _locked(settings, old)  # IndexBusy while an app or CLI writes to it
    try:
        kb_dir(settings, old).rename(kb_dir(settings, new))
    finally:
        lock.release()
    from assistant import apikeys

    apikeys.rename_kb(settings, old, new)
    from assistant.users import Users

    Users(settings).rename_kb(old, new)
    return {"name": new, "renamed_from": old}


def delete(settings: Settings, name: str) -> dict[str, Any]:
    """Delete a knowledge base: its documents, vectors (also on a Chroma server) and saved files."""
    name = require(settings, name)
    if name == DEFAULT:
        raise KBError(
            "默认知识库不能删除 (the default knowledge base cannot be deleted; `assistant delete` removes "
            "its documents)"
        )
    resolved = for_kb(settings, name)
    info = describe(settings, name)
    lock = _locked(settings, name)
    try:
        trash = root(settings) / KBS_DIR / f".deleted-{name}-{int(time.time())}-{secrets.token_hex(3)}"
        kb_dir(settings, name).rename(trash)  # gone from the listing at once
    finally:
        lock.release()
    if resolved.chroma_url:
        from assistant.store import VectorStore

        store = VectorStore(trash, resolved.collection, resolved.chroma_url)
        store.client.delete_collection(resolved.collection)
        store.close()
    shutil.rmtree(trash, ignore_errors=True)
    from assistant import apikeys

    apikeys.rename_kb(settings, name, None)
    from assistant.users import Users

    Users(settings).rename_kb(name, None)
    return {"deleted": name, "documents": info["documents"]}
