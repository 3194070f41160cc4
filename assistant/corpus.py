"""The corpus directory: which files are ingested, the source name each is indexed under, the title/date/issuer
saved beside pasted and uploaded ones, and where a deleted document's file goes.

    corpus/            documents ingested by default (sources: their path inside corpus/)
      pasted/          pasted bulletins: NAME.txt + NAME.json (source: NAME)
      uploads/         uploaded files: FILE + FILE.meta.json (source: uploads/FILE)
      .deleted/        files of deleted documents, time-stamped: nothing is lost
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from assistant.load import SUPPORTED, LoadError

PASTE_DIR = "pasted"
UPLOAD_DIR = "uploads"
DELETED_DIR = ".deleted"


def expand(paths: Iterable[Path]) -> Iterable[Path]:
    """The files to ingest under paths: supported types, not hidden, not deleted, not sidecars."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in p.rglob("*"):
                if (
                    f.is_file()
                    and f.suffix.lower() in SUPPORTED
                    and DELETED_DIR not in f.parts
                    and not f.name.startswith(".")
                    and not f.name.endswith(".meta.json")
                ):
                    yield f
        elif p.is_file():
            yield p
        else:
            raise LoadError(f"找不到文件 {p} (no such file or directory)")


def source_of(path: Path, corpus: Path) -> str:
    """The source a file is indexed under (what citations show and what replaces an earlier version)."""
    if path.parent.name == PASTE_DIR:
        return path.stem
    if path.parent.name == UPLOAD_DIR:
        return f"{UPLOAD_DIR}/{path.name}"
    try:
        return str(path.resolve().relative_to(corpus.resolve()))
    except ValueError:
        return path.name


def sidecar(path: Path) -> dict[str, str]:
    """The title/date/issuer a user gave a pasted or uploaded file, saved beside it ({} for other files)."""
    side = path.with_name(path.name + ".meta.json") if path.parent.name == UPLOAD_DIR else path.with_suffix(".json")
    if path.parent.name in (PASTE_DIR, UPLOAD_DIR) and side.exists():
        return {k: str(v) for k, v in json.loads(side.read_text(encoding="utf-8")).items() if v}
    return {}


def retire_file(corpus: Path, source: str) -> None:
    """Move a deleted document's file (and its sidecar) to corpus/.deleted/, so `reindex` does not bring it back."""
    if source.startswith("paste-"):
        candidates = [corpus / PASTE_DIR / f"{source}.txt", corpus / PASTE_DIR / f"{source}.json"]
    else:
        candidates = [corpus / source, corpus / f"{source}.meta.json"]
    for path in candidates:
        if path.exists():
            target = corpus / DELETED_DIR / f"{int(time.time())}-{path.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), target)
