"""/v1/feedback and /v1/answers/{answer_id}/export: 👍/👎 on an answer, and the answer as a file.

`POST /v1/feedback` {answer_id, rating: "up"|"down", correction, document}; `GET
/v1/answers/{answer_id}/export?format=docx|xlsx` downloads the answer with its citations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.ui.api import ApiError, json_body

if TYPE_CHECKING:
    from assistant.ui.api_auth import Gate
    from assistant.ui.kbs import KBPool

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AnswerRoutes:
    """POST /v1/feedback, GET /v1/answers/{answer_id}/export."""

    def __init__(self, pool: KBPool, gate: Gate) -> None:
        self.gate = gate
        self.history = pool.history

    def install(self, app: FastAPI) -> None:
        app.post("/v1/feedback")(self.post_feedback)
        app.get("/v1/answers/{answer_id}/export")(self.export_answer)

    async def post_feedback(self, request: Request) -> JSONResponse:

        from assistant.history import HistoryError, NotFound

        who = self.gate.authorize(request)
        body = await json_body(request)
        answer_id = body.get("answer_id")
        if not isinstance(answer_id, str) or not answer_id.strip():
            raise ApiError(400, "`answer_id` (from a chat completion) is required", "missing_answer_id", "answer_id")
        correction, document = body.get("correction") or "", body.get("document") or ""
        if not isinstance(correction, str) or not isinstance(document, str):
            raise ApiError(400, "`correction` and `document` must be strings", "invalid_feedback")
        try:
            saved = self.history.feedback(
                who.name,
                answer_id.strip(),
                body.get("rating"),
                correction,
                document,
                admin=who.is_admin and who.key is None,
            )
        except NotFound as exc:
            raise ApiError(404, str(exc), "answer_not_found", "answer_id") from None
        except HistoryError as exc:
            big = len(correction) > 2000 or len(document) > 300
            raise ApiError(413 if big else 400, str(exc), "invalid_feedback") from None
        return JSONResponse(saved, status_code=201)

    def export_answer(self, answer_id: str, request: Request, format: str = "docx") -> Any:  # noqa: A002 - the query
        import tempfile
        from pathlib import Path

        from fastapi.responses import Response

        from assistant import export_docs
        from assistant.history import NotFound

        who = self.gate.authorize(request)
        if format not in export_docs.FORMATS:
            raise ApiError(400, "format must be docx or xlsx", "invalid_format", "format")
        try:
            row = self.history.answer(answer_id, None if who.is_admin and who.key is None else who.name)
        except NotFound as exc:
            raise ApiError(404, str(exc), "answer_not_found", "answer_id") from None
        with tempfile.TemporaryDirectory() as tmp:
            path = export_docs.export(row, format, Path(tmp))
            data = path.read_bytes()
        return Response(
            data,
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="answer-{answer_id}.{format}"'},
        )
