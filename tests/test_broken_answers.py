"""A server that answers badly where NocoDB should be — an error status, a page that is not JSON, JSON of
another shape, no answer at all — is one NocoDBError in French (store/client.py), never a KeyError or an
httpx exception. The stand-in is a broken server, not a copy of NocoDB: it answers every request the same."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from apptest import APP, RUN_TIMEOUT, signed_in_state
from streamlit.testing.v1 import AppTest

from errors import HTTPStatusError, Unreachable
from store.client import NocoClient


class Broken(BaseHTTPRequestHandler):
    """Every request gets the same answer: `status`, `body`, after `delay` seconds."""

    status = 200
    body = b""
    delay = 0.0  # seconds before answering
    requests = 0

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def answer(self) -> None:
        type(self).requests += 1
        time.sleep(self.delay)
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def broken() -> Iterator[tuple[type[Broken], NocoClient]]:
    handler = type("Answer", (Broken,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = NocoClient(f"http://127.0.0.1:{server.server_address[1]}", token="x", retries=1, timeout=1)
    yield handler, client
    client.close()
    server.shutdown()
    server.server_close()


def test_a_server_error_is_an_http_status_error(broken: tuple[type[Broken], NocoClient]) -> None:
    handler, client = broken
    handler.status, handler.body = 502, b"<html><body>Bad Gateway</body></html>"
    with pytest.raises(HTTPStatusError) as error:
        client.bases()
    assert str(error.value) == "NocoDB 502 sur GET /api/v2/meta/bases : Bad Gateway"  # not the HTML page
    assert handler.requests == 2  # a read is tried again once (retries=1)


def test_an_answer_that_is_not_json_is_unreachable(broken: tuple[type[Broken], NocoClient]) -> None:
    handler, client = broken
    handler.body = b"<html>Bienvenue sur nginx</html>"
    with pytest.raises(Unreachable, match=r"Réponse illisible de NocoDB sur GET /api/v2/meta/bases \(pas du JSON\)"):
        client.bases()


@pytest.mark.parametrize(
    ("body", "read"),
    [
        (b'{"lists": []}', lambda c: c.bases()),
        (b"[1, 2]", lambda c: c.table("t1")),
        (b'{"list": [], "pageInfo": {}}', lambda c: c.records("b1", "t1")),
        (b'{"records": [{"id": 1}]}', lambda c: c.records("b1", "t1", where='("Id",eq,"1")')),
        (b'[{"id": 1}]', lambda c: c.bases()),
        (b'{"list": [{"id": "p1"}]}', lambda c: c.bases()),
        (b'{"users": {"list": [{"roles": "editor"}]}}', lambda c: c.base_users("b1")),
        (b"null", lambda c: c.count("b1", "t1")),
    ],
    ids=[
        "liste absente",
        "liste au lieu d'objet",
        "pageInfo vide",
        "fields absent",
        "liste",
        "sans titre",
        "sans e-mail",
        "null",
    ],
)
def test_an_answer_of_another_shape_is_unreachable(
    broken: tuple[type[Broken], NocoClient], body: bytes, read: Callable[[NocoClient], object]
) -> None:
    handler, client = broken
    handler.body = body
    with pytest.raises(Unreachable, match="Réponse inattendue de NocoDB"):
        read(client)


def test_an_insert_answered_badly_is_unreachable(broken: tuple[type[Broken], NocoClient]) -> None:
    handler, client = broken
    handler.body = b'{"created": true}'
    with pytest.raises(Unreachable, match="Réponse inattendue de NocoDB"):
        client.insert("t1", [{"Titre": "a"}])


def test_no_answer_is_unreachable_after_the_time_out(broken: tuple[type[Broken], NocoClient]) -> None:
    handler, client = broken
    handler.delay, handler.body = 5.0, b"{}"
    start = time.monotonic()
    with pytest.raises(Unreachable, match="pas de réponse en 1 s"):
        client.bases()
    assert time.monotonic() - start < 3  # once, not retried


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [(503, b"<h1>Service Unavailable</h1>", "NocoDB a rencontré une erreur"), (200, b"<html>", "Réponse illisible")],
    ids=["503", "pas du JSON"],
)
def test_a_page_shows_a_french_banner_and_no_traceback(
    broken: tuple[type[Broken], NocoClient], monkeypatch: pytest.MonkeyPatch, status: int, body: bytes, said: str
) -> None:
    handler, client = broken
    handler.status, handler.body = status, body
    monkeypatch.setenv("CPTS_NOCODB_URL", client.url)
    monkeypatch.setenv("CPTS_NOCODB_TOKEN", "x")
    monkeypatch.setenv("CPTS_BASE_ID", "b1")
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    for key, value in signed_in_state("coordinateur@cpts.fr").items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [e.value for e in app.error]
    assert shown and "Impossible de lire les données de la CPTS" in shown[0] and said in shown[0]
    assert "<h1>" not in shown[0] and "Traceback" not in shown[0]
