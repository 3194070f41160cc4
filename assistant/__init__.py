"""政策问答助手: cited answers about Chinese science-and-technology policy documents.

Importing the package is cheap; heavy dependencies (chromadb, torch, gradio) load lazily.
"""

from __future__ import annotations

__version__ = "0.1.0"

REFUSAL = "现有文件中没有找到相关信息。"
"""The one sentence every answerer gives when the documents do not say."""
