"""Escaping and the few pieces of markup every part of the page shares.

Everything the page shows that comes from a document, an answer or a user goes through `esc` before it is
wrapped in the page's own markup; the Chatbot additionally sanitizes what it renders.
"""

from __future__ import annotations

import html
import re

CITE_MARK = re.compile(r"\[(\d{1,2})\]")


def esc(text: object) -> str:
    """HTML-escape text for use inside this module's markup.

    Besides <>&"' this also encodes the characters that Markdown, LaTeX and template engines give
    meaning to, and turns every line break into <br> so a message stays one HTML block.
    """
    s = html.escape(str(text or ""), quote=True)
    for ch, ent in (
        ("{", "&#123;"),
        ("}", "&#125;"),
        ("$", "&#36;"),
        ("`", "&#96;"),
        ("\\", "&#92;"),
        ("*", "&#42;"),
        ("_", "&#95;"),
        ("[", "&#91;"),
        ("]", "&#93;"),
        ("|", "&#124;"),
        ("~", "&#126;"),
    ):
        s = s.replace(ch, ent)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return s.replace("\n", "<br>")


def with_refs(text: str) -> str:
    """Escaped text with its [n] markers as superscript footnote references."""
    parts, last = [], 0
    for m in CITE_MARK.finditer(text):
        parts.append(esc(text[last : m.start()]))
        parts.append(f'<sup class="pa-ref">&#91;{int(m.group(1))}&#93;</sup>')
        last = m.end()
    parts.append(esc(text[last:]))
    return "".join(parts)


def result_html(kind: str, message: str) -> str:
    """A status message for the add/library tabs: kind is ok | dup | warn | err | info."""
    return f'<div class="pa-result pa-result-{kind}">{message}</div>'
