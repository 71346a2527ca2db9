"""The HTTP API: answers equal the library's, limits answer 413 and 422 in one line, and nothing serves files."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from types import SimpleNamespace
from typing import Any, cast

import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.routing import Mount

from closer_tone import __version__
from closer_tone.api import Analyzer
from closer_tone.results import Analysis
from closer_tone.server import MAX_BODY, MAX_TEXTS, MODEL_FIELDS, BodyLimit, create_app, serve

PASSIVE = "Thanks for your time. Sorry, I guess I'll just wait to hear back."
AGGRESSIVE = "Thanks for today, Priya. I need an answer by Friday or I'm taking the Acme offer."
ASSERTIVE = "What are the next steps, and when should I expect to hear from you?"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(analyzer: Analyzer) -> Iterator[TestClient]:
    with TestClient(create_app(analyzer)) as client:
        yield client


class StubAnalyzer:
    """Stands in for Analyzer where a test needs an analysis to fail or to take its time."""

    model = SimpleNamespace(manifest={"closer_tone": __version__})

    def __init__(self, pipe: Any) -> None:
        self.pipe = pipe


def stub_client(pipe: Any) -> TestClient:
    return TestClient(create_app(cast(Analyzer, StubAnalyzer(pipe))), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "text",
    [
        PASSIVE,
        AGGRESSIVE,
        ASSERTIVE,
        "🙂 Thanks so much — I’m sorry, I just wanted to check if maybe there’s any news?",
        "def close(): return 'thanks'",
        "",
    ],
)
def test_analyze_answers_what_the_library_answers(client: TestClient, analyzer: Analyzer, text: str) -> None:
    response = client.post("/v1/analyze", json={"text": text})
    assert response.status_code == 200
    assert response.json() == analyzer.analyze(text).to_dict()


def test_scan_answers_in_the_order_sent(client: TestClient, analyzer: Analyzer) -> None:
    texts = [AGGRESSIVE, "", PASSIVE, ASSERTIVE, "https://example.com/offer", PASSIVE]
    response = client.post("/v1/scan", json={"texts": texts})
    assert response.status_code == 200
    assert response.json() == {"results": [analyzer.analyze(text).to_dict() for text in texts]}
    assert client.post("/v1/scan", json={"texts": []}).json() == {"results": []}


def test_scan_takes_a_bounded_number_of_texts(client: TestClient) -> None:
    response = client.post("/v1/scan", json={"texts": ["Thanks."] * (MAX_TEXTS + 1)})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"texts: List should have at most {MAX_TEXTS} items")


def test_health_names_the_version_and_model_and_nothing_sent(client: TestClient, analyzer: Analyzer) -> None:
    client.post("/v1/analyze", json={"text": "Thanks, Zebulon-7731, I'll wait."})
    response = client.get("/v1/health")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok"
    assert health["version"] == __version__
    assert health["model"] == {key: analyzer.model.manifest.get(key) for key in MODEL_FIELDS}
    assert health["model"]["training_sentences"] > 0
    assert "Zebulon" not in response.text


def test_body_over_the_limit_with_content_length_is_413(client: TestClient) -> None:
    body = json.dumps({"text": "Thanks. " * (MAX_BODY // 8)}).encode()
    assert len(body) > MAX_BODY
    response = client.post("/v1/analyze", content=body, headers=JSON)
    assert response.status_code == 413
    assert response.json() == {"detail": f"the request body is over the limit of {MAX_BODY} bytes"}


def test_body_over_the_limit_without_content_length_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"texts": ["'
        for _ in range(MAX_BODY // 1024):
            yield b"Thanks. " * 128
        yield b'"]}'

    response = client.post("/v1/scan", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413


def call(app: Any, headers: list[tuple[bytes, bytes]], messages: list[dict[str, Any]]) -> tuple[list[Any], int]:
    """Run one HTTP request through an ASGI app; the sent messages and how many body messages it read."""
    sent: list[Any] = []
    incoming = iter(messages)
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return next(incoming)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent, read


async def unreachable(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the app must not see a body over the limit")


def test_declared_oversize_body_is_refused_without_reading_it() -> None:
    sent, read = call(BodyLimit(unreachable, max_body=10), [(b"content-length", b"11")], [])
    assert (sent[0]["status"], read) == (413, 0)


def test_chunked_body_is_read_only_until_it_passes_the_limit() -> None:
    chunk = {"type": "http.request", "body": b"x" * 4, "more_body": True}
    sent, read = call(BodyLimit(unreachable, max_body=10), [], [chunk] * 100)
    assert (sent[0]["status"], read) == (413, 3)


def test_a_body_within_the_limit_reaches_the_app_whole() -> None:
    seen = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(await receive())

    parts: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"abc", "more_body": True},
        {"type": "http.request", "body": b"de"},
    ]
    call(BodyLimit(app, max_body=5), [(b"content-length", b"5")], parts)
    assert seen == [{"type": "http.request", "body": b"abcde", "more_body": False}]


@pytest.mark.parametrize(
    ("body", "headers", "detail"),
    [
        (b'{"text": ', JSON, "the body is not valid JSON: Expecting value"),
        (b"", JSON, 'the body must be a JSON object such as {"text": "..."}'),
        (b'["Thanks."]', JSON, 'the body must be a JSON object such as {"text": "..."}'),
        (b"{}", JSON, "text: Field required"),
        (b'{"txt": "Thanks."}', JSON, "text: Field required; txt: Extra inputs are not permitted"),
        (b'{"text": 3}', JSON, "text: Input should be a valid string"),
        (b'{"text": null}', JSON, "text: Input should be a valid string"),
        (b'{"text": ["Thanks."]}', JSON, "text: Input should be a valid string"),
        (b'{"text": "\xff"}', JSON, "the body is not valid JSON: it is not UTF-8 text"),
        (rb'{"text": "\ud800"}', JSON, "text: Value error, the text holds a lone UTF-16 surrogate"),
        (b'{"text": "Thanks."}', {"content-type": "text/plain"}, "send the body as JSON, with the header Content-Type"),
    ],
)
def test_bad_requests_are_422_in_one_readable_line(
    client: TestClient, body: bytes, headers: dict[str, str], detail: str
) -> None:
    response = client.post("/v1/analyze", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)
    assert "\n" not in response.json()["detail"]


def test_scan_names_the_text_that_is_not_a_string(client: TestClient) -> None:
    response = client.post("/v1/scan", json={"texts": ["Thanks.", 3, "Bye."]})
    assert (response.status_code, response.json()) == (422, {"detail": "texts[1]: Input should be a valid string"})
    not_a_list = client.post("/v1/scan", json={"texts": "Thanks."})
    assert not_a_list.json() == {"detail": "texts: Input should be a valid list"}


def test_openapi_documents_the_three_endpoints_and_the_analysis(client: TestClient, analyzer: Analyzer) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/v1/analyze", "/v1/scan", "/v1/health"}
    analyze = schema["paths"]["/v1/analyze"]["post"]
    assert analyze["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Analysis"
    }
    assert {"413", "422"} <= set(analyze["responses"])
    components = schema["components"]["schemas"]
    assert set(components["Analysis"]["properties"]) == set(analyzer.analyze(PASSIVE).to_dict())
    assert set(components["Cue"]["properties"]) == {"start", "end", "text", "rule", "tone", "message"}
    assert components["AnalyzeRequest"]["required"] == ["text"]


def page_files() -> dict[str, str]:
    web = files("closer_tone.web")
    return {entry.name: entry.read_text(encoding="utf-8") for entry in web.iterdir() if entry.is_file()}


def test_the_page_is_served_with_its_script_and_style(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<meta name="viewport"' in page.text
    assert 'src="app.js"' in page.text and 'href="app.css"' in page.text
    assert client.get("/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/app.css").headers["content-type"].startswith("text/css")
    assert page.text == page_files()["index.html"]


def test_the_page_loads_nothing_from_the_internet_and_never_parses_text_as_html() -> None:
    shipped = page_files()
    assert {"index.html", "app.css", "app.js"} <= set(shipped)
    for name, text in shipped.items():
        assert "http://" not in text and "https://" not in text, name
        assert "//cdn" not in text and "@import" not in text, name
    assert "innerHTML" not in shipped["app.js"] and "insertAdjacentHTML" not in shipped["app.js"]


def test_nothing_serves_files(client: TestClient) -> None:
    app = cast(Any, client.app)
    assert not [route for route in app.routes if isinstance(route, Mount)]
    paths = {route.path for route in app.routes}
    assert paths == {"/", "/app.css", "/app.js", "/v1/analyze", "/v1/scan", "/v1/health", "/openapi.json"}
    assert client.head("/").status_code == 200
    for path in ["/docs", "/redoc", "/index.html", "/web/app.js", "/app.js/../api.py", "/static/app.js", "/README.md"]:
        assert client.get(path).status_code == 404, path


def test_an_unexpected_failure_is_500_and_the_log_keeps_the_text_out(caplog: pytest.LogCaptureFixture) -> None:
    def pipe(texts: list[str]) -> Iterator[Any]:
        raise RuntimeError(f"could not handle {texts[0]!r}")

    with caplog.at_level(logging.DEBUG), stub_client(pipe) as client:
        response = client.post("/v1/analyze", json={"text": "Sorry, Zebulon-7731, I'll wait."})
    assert response.status_code == 500
    assert response.json() == {"detail": "the analysis failed unexpectedly; the server log says where"}
    assert "RuntimeError" in caplog.text
    assert "Zebulon" not in caplog.text


def test_analysis_runs_off_the_event_loop() -> None:
    started, release = threading.Event(), threading.Event()

    def pipe(texts: list[str]) -> Iterator[Any]:
        started.set()
        release.wait(timeout=30)
        return iter([Analysis(text=texts[0], label=None, reason="the stub judges nothing")])

    with stub_client(pipe) as client, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(client.post, "/v1/analyze", json={"text": "Thanks."})
        assert started.wait(timeout=30)
        try:
            assert client.get("/v1/health").status_code == 200  # answered while the analysis still runs
        finally:
            release.set()
        assert slow.result(timeout=30).json()["reason"] == "the stub judges nothing"


def test_without_an_analyzer_the_app_builds_one_at_startup() -> None:
    with TestClient(create_app()) as client:
        assert client.post("/v1/analyze", json={"text": ASSERTIVE}).json()["label"] == "assertive"


def test_serve_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer) -> None:
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append({"app": app, **options}))
    serve(analyzer=analyzer)
    assert (runs[0]["host"], runs[0]["port"]) == ("127.0.0.1", 8000)
    with TestClient(runs[0]["app"]) as client:
        assert client.get("/v1/health").status_code == 200
        assert client.app.state.analyzer is analyzer  # type: ignore[attr-defined]


def test_create_app_refuses_a_limit_below_one_byte() -> None:
    with pytest.raises(ValueError, match="max_body"):
        create_app(cast(Analyzer, StubAnalyzer(None)), max_body=0)
