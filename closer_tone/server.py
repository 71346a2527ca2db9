"""The HTTP API and web page behind `closer-tone serve`: FastAPI on uvicorn, on this machine by default.

The endpoints take text as JSON and answer with `Analysis.to_dict()`. Nothing here reads or writes files
while serving (the page is read from the package once, when the app is made), and no log line carries what
someone typed: uvicorn's access log holds the method and path, bodies are never logged, and an unexpected
error is logged by its type and stack only, since its message could quote the text.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import TYPE_CHECKING, Annotated, Any, Literal

from anyio import to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from closer_tone import __version__

if TYPE_CHECKING:
    from closer_tone.api import Analyzer

MAX_BODY = 256 * 1024
"""Bytes a request body may have: far more than a close needs, little enough to refuse floods cheaply."""
MAX_TEXTS = 1000
"""Texts one /v1/scan request may carry, so one request cannot hold the analyser for minutes."""
MODEL_FIELDS = (
    "closer_tone",
    "spacy",
    "spacy_model",
    "scikit_learn",
    "labels",
    "training_sentences",
    "training_data_sha256",
    "lexicon_sha256",
    "scorer_sha256",
    "metrics",
)
"""What /v1/health tells about the model, copied from its manifest."""
PAGE = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
"""The page may load only its own script and style and talk only to this server."""
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}
"""FastAPI's OpenTelemetry would record request bodies and error messages, which hold the user's text."""

logger = logging.getLogger(__name__)
Label = Literal["passive", "assertive", "aggressive"]


class Cue(BaseModel):
    """Words that push a sentence towards a tone; `start`/`end` are character (code point) offsets in `text`."""

    start: int
    end: int
    text: str
    rule: str
    tone: Label
    message: str


class Rewrite(BaseModel):
    """An assertive rewrite the model itself judged assertive, and what it changed."""

    text: str
    changes: list[str]


class Sentence(BaseModel):
    text: str
    start: int
    end: int
    label: Label
    scores: dict[Label, float]
    cues: list[Cue]
    rewrites: list[Rewrite] = Field(description="Rewrites of this sentence alone: they replace text[start:end].")
    rewrite_note: str | None


class ChecklistItem(BaseModel):
    item: str = Field(description="thanks, fit or next_step")
    present: bool
    sentence: str | None
    suggestion: str | None


class Analysis(BaseModel):
    """`Analysis.to_dict()`: `label` is null, with a `reason`, when the text is not a closing line."""

    text: str
    label: Label | None
    reason: str | None
    scores: dict[Label, float]
    sentences: list[Sentence]
    rewrites: list[Rewrite] = Field(description="Rewrites of the whole statement: they replace all of `text`.")
    rewrite_note: str | None
    checklist: list[ChecklistItem]
    cues: list[Cue]


class Results(BaseModel):
    results: list[Analysis] = Field(description="One analysis per text, in the order the texts came.")


class ModelInfo(BaseModel):
    """The tone model's manifest, less its feature list; null where a model directory does not say."""

    closer_tone: str | None = None
    spacy: str | None = None
    spacy_model: str | None = None
    scikit_learn: str | None = None
    labels: list[str] | None = None
    training_sentences: int | None = None
    training_data_sha256: str | None = None
    lexicon_sha256: str | None = None
    scorer_sha256: str | None = None
    metrics: dict[str, float] | None = None


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    model: ModelInfo


def _unicode(text: str) -> str:
    """JSON can spell a lone surrogate (\\ud800) that no UTF-8 answer could carry back; refuse it up front."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character") from None
    return text


Text = Annotated[StrictStr, AfterValidator(_unicode)]


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="A closing line or a whole close.")


class ScanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[Text] = Field(max_length=MAX_TEXTS, description=f"At most {MAX_TEXTS} texts.")


class Problem(BaseModel):
    detail: str = Field(description="What was wrong with the request, in one line.")


class BodyLimit:
    """Answers 413 to a request body over `max_body` bytes before the app sees any of it.

    A declared Content-Length over the limit is refused without reading a byte; a body without one
    (chunked) is read only until it passes the limit. Below the limit the app gets the body as sent.
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not declared.isdigit():
            await _problem(400, "the Content-Length header is not a number")(scope, receive, send)
            return
        if declared is not None and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _problem(413, f"the request body is over the limit of {self.max_body} bytes")(scope, receive, send)


ANALYSIS_THREADS = 4
"""Worker threads for analysis requests (the rest wait in the event loop, holding no thread)."""


def create_app(analyzer: Analyzer | None = None, *, max_body: int = MAX_BODY) -> FastAPI:
    """The ASGI app; with no `analyzer` it builds the default one once, at startup, not per request."""
    if max_body < 1:
        raise ValueError("max_body must be a positive number of bytes")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Analyses take turns on the Analyzer's lock, so more threads only wait; each waiting thread would still
        # hold a stack and a malloc arena, and the server's memory grew with them under load.
        to_thread.current_default_thread_limiter().total_tokens = ANALYSIS_THREADS
        if analyzer is not None:
            app.state.analyzer = analyzer
        else:
            from closer_tone.api import Analyzer

            app.state.analyzer = await run_in_threadpool(Analyzer)
        yield

    app = FastAPI(
        title="closer-tone",
        version=__version__,
        summary="Is an interview close passive, assertive or aggressive, and which words make it so.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
        telemetry=NO_TELEMETRY,
    )
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]  # Starlette types handlers loosely
    app.add_exception_handler(StarletteHTTPException, _not_utf8)  # type: ignore[arg-type]
    errors: dict[int | str, dict[str, Any]] = {
        413: {"model": Problem, "description": f"The body is over {max_body} bytes."},
        422: {"model": Problem, "description": "The body is not JSON of the documented shape."},
    }

    @app.post("/v1/analyze", response_model=Analysis, responses=errors)
    def analyze(body: AnalyzeRequest, request: Request) -> dict[str, Any]:
        """The tone of one statement, its sentences, cues, verified rewrites and closing checklist."""
        return _analyses(request.app.state.analyzer, [body.text])[0]

    @app.post("/v1/scan", response_model=Results, responses=errors)
    def scan(body: ScanRequest, request: Request) -> dict[str, Any]:
        """Many statements in one call, analysed in batches; results come back in the order sent."""
        return {"results": _analyses(request.app.state.analyzer, body.texts)}

    @app.get("/v1/health", response_model=Health)
    async def health(request: Request) -> dict[str, Any]:
        """Whether the server is up, and which closer-tone and model answer; never anything a user sent."""
        manifest = request.app.state.analyzer.model.manifest
        return {"status": "ok", "version": __version__, "model": {key: manifest.get(key) for key in MODEL_FIELDS}}

    web = files("closer_tone.web")
    for path, (name, media_type) in PAGE.items():
        page_file = _page_file(web.joinpath(name).read_bytes(), media_type)
        app.add_api_route(path, page_file, methods=["GET", "HEAD"], include_in_schema=False)
    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    analyzer: Analyzer | None = None,
    max_body: int = MAX_BODY,
    log_level: str = "info",
) -> None:
    """Run the app under uvicorn until interrupted.

    The Analyzer is built before the port is opened, so a broken model is a closer-tone error the caller can
    report in one line rather than a failed startup inside uvicorn.
    """
    import uvicorn

    from closer_tone.api import Analyzer

    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("serving on %s: anyone who can reach this address can use the analyser", host)
    app = create_app(analyzer if analyzer is not None else Analyzer(), max_body=max_body)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


def _analyses(analyzer: Analyzer, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Runs in the threadpool (the endpoints are plain `def`), so the event loop keeps answering."""
    try:
        return [analysis.to_dict() for analysis in analyzer.pipe(texts)]
    except Exception as error:
        stack = "".join(traceback.format_tb(error.__traceback__))
        logger.error("analysis failed with %s (its message may quote the text)\n%s", type(error).__name__, stack)
        raise HTTPException(500, "the analysis failed unexpectedly; the server log says where") from None


def _page_file(content: bytes, media_type: str) -> Callable[[], Response]:
    def page_file() -> Response:
        return Response(content, media_type=media_type, headers=PAGE_HEADERS)

    return page_file


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    """One readable line instead of pydantic's error list, which would also echo the text back."""
    content_type = request.headers.get("content-type", "")
    if not content_type.split(";")[0].strip().lower().endswith("json"):
        return _problem(422, "send the body as JSON, with the header Content-Type: application/json")
    return _problem(422, "; ".join(_describe(problem) for problem in error.errors()))


async def _not_utf8(request: Request, error: StarletteHTTPException) -> Response:
    """FastAPI answers bytes that are not UTF-8 with a vague 400; they are bad JSON like any other (RFC 8259)."""
    if isinstance(error.__cause__, UnicodeDecodeError):
        return _problem(422, "the body is not valid JSON: it is not UTF-8 text")
    return await http_exception_handler(request, error)


def _describe(problem: Any) -> str:
    loc = [part for part in problem.get("loc", ()) if part != "body"]
    if problem.get("type") == "json_invalid":
        return f"the body is not valid JSON: {problem.get('ctx', {}).get('error', 'decode error')}"
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    if not where:
        return 'the body must be a JSON object such as {"text": "..."}'
    return f"{where}: {problem.get('msg', 'invalid')}"
