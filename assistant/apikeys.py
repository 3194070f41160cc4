"""API keys for the OpenAI-compatible API: only a SHA-256 of each key is stored (index/apikeys.json).

A key is `pa-` + 32 random bytes (secrets.token_urlsafe), shown once when created. Each record names the
knowledge bases it may use (`*`: all) and whether it may add or delete documents.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import record_dict

FILE = "apikeys.json"
PREFIX = "pa-"


@dataclass(frozen=True)
class KeyRecord:
    id: str
    sha256: str
    kbs: list[str] = field(default_factory=list)  # ["*"]: every knowledge base
    read_only: bool = False
    created_at: float = 0.0
    hint: str = ""  # the first characters of the key, to tell keys apart

    def allows(self, kb: str) -> bool:
        return "*" in self.kbs or kb in self.kbs

    def public(self) -> dict[str, Any]:
        """What `apikey list` shows (never the hash)."""
        return record_dict(self, omit=("sha256",), hint=self.hint + "…")


def _path(settings: Settings) -> Path:
    from assistant import kb

    return kb.root(settings) / FILE


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load(settings: Settings) -> list[KeyRecord]:
    path = _path(settings)
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [KeyRecord(**row) for row in rows]


@contextmanager
def _editing(settings: Settings) -> Any:
    """The key list under an exclusive lock; written back atomically (tmp file + rename)."""
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        keys = load(settings)
        yield keys
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(k) for k in keys], ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def create(settings: Settings, kbs: list[str], read_only: bool = False) -> tuple[str, KeyRecord]:
    """(the new key, its record); the key itself is not stored anywhere."""
    from assistant import kb

    if not kbs:
        raise kb.KBError("name the knowledge base(s) the key may use: --kb NAME (repeatable) or --all-kbs")
    if kbs != ["*"]:
        kbs = [kb.require(settings, name) for name in dict.fromkeys(kbs)]
    token = PREFIX + secrets.token_urlsafe(32)
    record = KeyRecord(secrets.token_hex(4), digest(token), kbs, read_only, time.time(), token[:7])
    with _editing(settings) as keys:
        keys.append(record)
    return token, record


def revoke(settings: Settings, key_id: str) -> bool:
    with _editing(settings) as keys:
        before = len(keys)
        keys[:] = [k for k in keys if k.id != key_id]
        return len(keys) < before


def rename_kb(settings: Settings, old: str, new: str | None) -> None:
    """Follow a knowledge base's rename (new) or deletion (None) in every key's grants."""
    if not _path(settings).exists():
        return
    with _editing(settings) as keys:
        for i, k in enumerate(keys):
            if old in k.kbs:
                kbs = [new if name == old else name for name in k.kbs if new is not None or name != old]
                keys[i] = KeyRecord(k.id, k.sha256, kbs, k.read_only, k.created_at, k.hint)


class KeyRing:
    """The stored keys as the server checks them, re-read when the file changes (a CLI create/revoke)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stamp: tuple[float, int] | None = None
        self._keys: list[KeyRecord] = []

    def keys(self) -> list[KeyRecord]:
        path = _path(self.settings)
        try:
            st = path.stat()
            stamp = (st.st_mtime, st.st_size)
        except FileNotFoundError:
            self._stamp, self._keys = None, []
            return []
        if stamp != self._stamp:
            self._keys, self._stamp = load(self.settings), stamp
        return self._keys

    def find(self, token: str) -> KeyRecord | None:
        d = digest(token)
        return next((k for k in self.keys() if hmac.compare_digest(k.sha256, d)), None)
