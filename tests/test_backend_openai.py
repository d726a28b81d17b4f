"""The OpenAI-compatible HTTP back-end: a real `transformers serve`, and servers that misbehave."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from simulator.backends import BackendError, GenerationOptions, OpenAIBackend

MESSAGES = [
    {"role": "system", "content": "You are a grumpy tenant. Answer in one short sentence."},
    {"role": "user", "content": "Good morning, I am here for the heating."},
]
TEST_CACHE = Path(__file__).resolve().parent.parent / ".test-cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- servers that misbehave -------------------------------------------------------------------

SSE_OK = (
    b": a comment line\n\n"
    b'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n'
    b'data: {"choices":[{"delta":{"content":"Nou, "}}]}\n\n'
    b'data: {"choices":[{"delta":{"content":"kom maar."}}]}\n\n'
    b"data: [DONE]\n\n"
)
ANSWERS = {
    "/sse/v1/chat/completions": (200, "text/event-stream", SSE_OK),
    "/garbage/v1/chat/completions": (200, "text/event-stream", b"data: <<<nonsense>>>\n\n"),
    "/html/v1/chat/completions": (200, "text/html", b"<html>Welcome to nginx</html>"),
    "/wrongshape/v1/chat/completions": (200, "text/event-stream", b'data: {"foo": 1}\n\n'),
    "/whole/v1/chat/completions": (
        200,
        "application/json",
        json.dumps({"choices": [{"message": {"content": "Ja, en?"}}]}).encode(),
    ),
    "/error/v1/chat/completions": (
        500,
        "application/json",
        json.dumps({"error": {"message": "out of memory"}}).encode(),
    ),
    "/empty/v1/chat/completions": (200, "text/event-stream", b""),
}


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.seen.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        if self.path.startswith("/slow/"):
            time.sleep(2)
        status, kind, payload = ANSWERS.get(self.path, (404, "text/plain", b"no such path"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def odd_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_streams_server_sent_events_with_key_and_options(odd_server):
    backend = OpenAIBackend(f"{odd_server}/sse", model="m", api_key="secret")
    chunks = list(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=7, seed=3)))
    assert chunks == ["Nou, ", "kom maar."]
    request = Handler.seen[-1]
    assert request["auth"] == "Bearer secret"
    assert request["body"]["stream"] is True and request["body"]["max_tokens"] == 7
    assert request["body"]["seed"] == 3 and request["body"]["messages"] == MESSAGES


def test_base_url_may_already_end_in_v1(odd_server):
    backend = OpenAIBackend(f"{odd_server}/sse/v1/", model="m")
    assert "".join(backend.stream(MESSAGES)) == "Nou, kom maar."


def test_a_complete_answer_instead_of_a_stream_is_accepted(odd_server):
    assert "".join(OpenAIBackend(f"{odd_server}/whole").stream(MESSAGES)) == "Ja, en?"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("garbage", "not JSON"),
        ("html", "OpenAI-compatible"),
        ("wrongshape", "unknown format"),
        ("error", "500: out of memory"),
        ("empty", "empty stream"),
        ("missing", "404"),
    ],
)
def test_garbage_answers_raise_a_clear_backend_error(odd_server, kind, expected):
    url = f"{odd_server}/{kind}"
    with pytest.raises(BackendError, match=expected) as info:
        list(OpenAIBackend(url).stream(MESSAGES))
    assert url in str(info.value)


def test_a_silent_server_times_out(odd_server):
    backend = OpenAIBackend(f"{odd_server}/slow", timeout=0.3)
    with pytest.raises(BackendError, match="in time|stopped answering"):
        list(backend.stream(MESSAGES))


def test_server_down_names_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    backend = OpenAIBackend(url, model="m")
    with pytest.raises(BackendError, match="refused") as info:
        list(backend.stream(MESSAGES))
    assert url in str(info.value)
    with pytest.raises(BackendError, match=url):
        backend.load()


# --- a real `transformers serve` with the embedded model -----------------------------------------


def converted_model() -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEPLAY_CACHE_DIR", str(TEST_CACHE))
        from simulator.backends import gguf_cache

        return gguf_cache.converted_copy(gguf_cache.embedded_gguf())


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"transformers serve exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"transformers serve not ready after {limit} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def served_model(tmp_path_factory):
    folder = converted_model()
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [
        str(Path(sys.executable).parent / "transformers"),
        "serve",
        str(folder),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log, limit=180)
        yield url, str(folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.mark.real_model
def test_real_server_streams_a_reply(served_model):
    url, model = served_model
    backend = OpenAIBackend(url, model=model)
    backend.load()
    chunks = list(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=20, seed=1)))
    assert len(chunks) > 1  # really streamed, not one block
    assert "".join(chunks).strip()


@pytest.mark.real_model
def test_real_server_reply_can_be_cancelled(served_model):
    url, model = served_model
    backend = OpenAIBackend(url, model=model)
    received: list[str] = []
    options = GenerationOptions(max_new_tokens=40, temperature=0)
    for chunk in backend.stream(MESSAGES, options, should_stop=lambda: len(received) >= 2):
        received.append(chunk)  # noqa: PERF402 (should_stop reads it while streaming)
    assert len(received) == 2


@pytest.mark.real_model
def test_real_server_unknown_model_is_a_clear_error(served_model):
    url, _ = served_model
    with pytest.raises(BackendError, match="answered 400") as info:
        list(OpenAIBackend(url, model="no-such-model").stream(MESSAGES))
    assert url in str(info.value)
