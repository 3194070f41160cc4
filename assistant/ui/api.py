"""OpenAI-compatible API beside the page: /v1/models, /v1/chat/completions, documents per knowledge base.

`model` is a knowledge base's name (`all` or `全部`: every knowledge base). The assistant message is the
verified answer (as `assistant ask` gives it); the extra fields `citations`, `refused`, `verified` carry the
rest. `stream: true` sends the same text sentence by sentence as `chat.completion.chunk` events, ending with
`data: [DONE]`. Earlier user/assistant turns in `messages` drive the follow-up rewrite ("那大冶呢？").

Access: with API keys configured (`assistant apikey create`), every request needs `Authorization: Bearer <key>`:
none or an unknown key -> 401, a knowledge base the key does not grant or a write with a read-only key -> 403.
A user account (`assistant user add`) signs in with `Authorization: Basic` (or the page's login cookie) and has
its roles: a viewer asks, an editor also adds and deletes documents, an admin creates knowledge bases; anything
else -> 403. Failed sign-ins are rate-limited (429). With no key and no account configured only requests from
the machine itself (127.0.0.1 / ::1) are served.

Every answer carries an `answer_id`; `POST /v1/feedback` {answer_id, rating: "up"|"down", correction, document}
records 👍/👎 on it, `GET /v1/answers/{answer_id}/export?format=docx|xlsx` downloads it with its citations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request  # the app is served by FastAPI already (Gradio); imported only by serve

from assistant import kb

if TYPE_CHECKING:
    from assistant.ui.kbs import KBPool

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
ALL_MODELS = {"all", kb.ALL}


class ApiError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    TYPES = {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        409: "conflict_error",
        413: "invalid_request_error",
        429: "rate_limit_error",
        503: "server_error",
    }

    def __init__(self, status: int, message: str, code: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.TYPES.get(self.status, "api_error"),
                "param": self.param,
                "code": self.code,
            }
        }


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 400 otherwise."""
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "the request body must be JSON", "invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object", "invalid_json")
    return body


def check_date(date: str) -> str:
    """A document's date as YYYY-MM-DD ('' for none); 400 when it is not a date."""
    from assistant.metadata import normalize_date

    date = date.strip()
    norm = normalize_date(date) if date else ""
    if date and not (norm and len(norm) == 10 and norm[4] == "-" and norm[7] == "-"):
        raise ApiError(400, f"date {date!r} is not a date: write YYYY-MM-DD, or leave it out", "invalid_date", "date")
    return norm


def install(app: FastAPI, pool: KBPool) -> None:
    """Add the /v1 routes to the FastAPI app that serves the page (before Gradio adds its own).

    api_auth.py says who is calling; the routes are api_chat.py (models, chat completions), api_kbs.py
    (knowledge bases and their documents) and api_answers.py (feedback, export), registered in that order.
    """
    from fastapi.responses import JSONResponse

    from assistant.ui.api_answers import AnswerRoutes
    from assistant.ui.api_auth import Gate
    from assistant.ui.api_chat import ChatRoutes
    from assistant.ui.api_kbs import KBRoutes

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    gate = Gate(app, pool)
    for routes in (ChatRoutes(pool, gate), KBRoutes(pool, gate), AnswerRoutes(pool, gate)):
        routes.install(app)
