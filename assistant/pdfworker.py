"""Child process that parses one PDF and prints {"pages": [...]} or {"error": "..."} as JSON.

Run by assistant.load.pdf_to_text under a wall-clock timeout, so a hostile PDF (decompression
bomb, circular xref) can only cost that much time, and a crash leaves nothing half indexed.
"""

from __future__ import annotations

import json
import resource
import sys


def main(path: str, max_pages: int) -> dict[str, object]:
    # A decompression bomb hits this address-space cap and fails instead of eating the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
    import logging

    logging.disable(logging.CRITICAL)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return {"error": "PDF 已加密，请先解除密码保护 (encrypted PDF)"}
        n = len(reader.pages)
        if n > max_pages:
            return {"error": f"PDF 共 {n} 页，超过 {max_pages} 页上限 (page cap)"}
        return {"pages": [page.extract_text() or "" for page in reader.pages]}
    except MemoryError:
        return {"error": "PDF 解压后过大，疑似压缩炸弹 (decompression bomb)"}
    except RecursionError:
        return {"error": "PDF 结构循环引用，无法解析 (circular references)"}
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        return {"error": f"PDF 文件已损坏，无法解析 ({exc.__class__.__name__}: {str(exc)[:120]})"}


if __name__ == "__main__":
    sys.setrecursionlimit(5000)
    out = main(sys.argv[1], int(sys.argv[2]))
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
