"""Text that tries to instruct the model ("忽略之前的指令", "ignore previous instructions"): flagged at ingest
(the document is marked suspicious), never quoted by the extractive reader, never shown to an LLM reader."""

from __future__ import annotations

import re

INJECTION = re.compile(
    r"忽略(?:之前|以上|上述|前面|先前)?的?(?:所有|全部|一切)?(?:指令|指示|提示|要求|规则)|无视(?:之前|以上|上述)?的?(?:所有)?(?:指令|规则)"
    r"|ignore (?:all )?(?:the )?(?:previous|prior|above) (?:instructions|prompts)|system prompt"
    r"|系统提示词|你现在是一个|扮演",
    re.I,
)
