"""An OpenAI-compatible server (vLLM, llama.cpp server, `transformers serve`, ...) over HTTP.

Plain http.client from the standard library: one streaming POST and a line reader are all we
need, and it keeps the dependency list short (httpx is not installed).
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from simulator.backends.base import (
    BackendError,
    GenerationOptions,
    Message,
    Progress,
    ShouldStop,
    check_messages,
    resolve_options,
)

CONNECT_TIMEOUT = 5.0  # seconds; a server on the LAN answers a connect at once or not at all


class OpenAIBackend:
    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        connect_timeout: float = CONNECT_TIMEOUT,
    ):
        if not base_url:
            raise BackendError("the openai back-end needs a server address: --base-url URL")
        parts = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BackendError(f"not an http(s) server address: {base_url}")
        self.base_url = base_url
        self._parts = parts
        self.model_id = model or "default"
        self.api_key = api_key
        self.timeout = timeout
        self.connect_timeout = connect_timeout

    @classmethod
    def from_settings(cls, settings: Any) -> OpenAIBackend:
        return cls(
            settings.base_url,
            settings.model,
            settings.api_key,
            timeout=getattr(settings, "timeout", 60.0),
        )

    def _url(self, endpoint: str) -> str:
        """/v1/<endpoint> under the base URL, whether or not the user already wrote /v1."""
        path = self._parts.path.rstrip("/")
        if not path.endswith("/v1"):
            path += "/v1"
        return f"{path}/{endpoint}"

    def load(self, progress: Progress | None = None) -> None:
        """Check that the server answers (GET /v1/models); a server without it is fine."""
        if progress:
            progress(f"Connecting to {self.base_url}", None)
        conn, response = self._request("GET", self._url("models"), None)
        try:
            response.read()
        finally:
            conn.close()
        if progress:
            progress(f"Model server {self.base_url} ready", 1.0)

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions | dict | None = None,
        should_stop: ShouldStop = lambda: False,
    ) -> Iterator[str]:
        check_messages(messages)
        options = resolve_options(options)
        return self._stream(self._body(messages, options), should_stop)

    def _body(self, messages: list[Message], options: GenerationOptions) -> dict[str, Any]:
        # repetition_penalty is not part of the OpenAI API; strict servers reject unknown keys.
        body: dict[str, Any] = {
            "model": self.model_id,
            "messages": messages,
            "stream": True,
            "max_tokens": options.max_new_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
        }
        if options.seed is not None:
            body["seed"] = options.seed
        return body

    def _stream(self, body: dict[str, Any], should_stop: ShouldStop) -> Iterator[str]:
        conn, response = self._request("POST", self._url("chat/completions"), body)
        try:
            if response.status != 200:
                raise BackendError(self._status_problem(response))
            kind = response.getheader("Content-Type", "")
            if "text/event-stream" in kind:
                yield from self._events(response, should_stop)
            else:
                yield self._whole_answer(response.read(), kind)
        except TimeoutError as err:
            raise BackendError(
                f"the model server at {self.base_url} stopped answering "
                f"(no data for {self.timeout:g} s)"
            ) from err
        except (OSError, http.client.HTTPException) as err:
            raise BackendError(f"lost the connection to {self.base_url}: {err}") from err
        finally:
            conn.close()

    def _request(self, method: str, path: str, body: dict | None) -> tuple[Any, Any]:
        cls = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        conn = cls(self._parts.hostname, self._parts.port, timeout=self.connect_timeout)
        headers = {"Accept": "text/event-stream, application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(body).encode() if body is not None else None
        try:
            conn.connect()
            conn.sock.settimeout(self.timeout)  # connected: now wait as long as generation may
            conn.request(method, path, body=data, headers=headers)
            return conn, conn.getresponse()
        except ConnectionRefusedError as err:
            conn.close()
            raise BackendError(
                f"cannot reach the model server at {self.base_url}: connection "
                "refused (is it running?)"
            ) from err
        except TimeoutError as err:
            conn.close()
            raise BackendError(
                f"the model server at {self.base_url} did not answer in time"
            ) from err
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            raise BackendError(f"cannot reach the model server at {self.base_url}: {err}") from err

    def _status_problem(self, response: Any) -> str:
        text = response.read(2000).decode("utf-8", "replace")
        try:
            body = json.loads(text)
            detail = body.get("error") or body["detail"]  # OpenAI style, or FastAPI style
            detail = detail.get("message", detail) if isinstance(detail, dict) else detail
        except (ValueError, KeyError, TypeError, AttributeError):
            detail = text.strip().splitlines()[0][:200] if text.strip() else response.reason
        return f"the model server at {self.base_url} answered {response.status}: {detail}"

    def _events(self, response: Any, should_stop: ShouldStop) -> Iterator[str]:
        """Server-sent events: `data: {json}` lines, ending with `data: [DONE]`."""
        got_data = False
        for raw in response:
            if should_stop():
                return
            line = raw.decode("utf-8", "replace").strip()
            if not line or line.startswith(":") or not line.startswith("data:"):
                continue
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                return
            got_data = True
            text = self._delta(data)
            if text:
                yield text
        if not got_data:
            raise BackendError(f"the model server at {self.base_url} sent an empty stream")

    def _delta(self, data: str) -> str:
        try:
            event = json.loads(data)
        except ValueError as err:
            raise BackendError(
                f"the model server at {self.base_url} sent something that is not "
                f"JSON: {data[:80]!r}"
            ) from err
        if isinstance(event, dict) and "error" in event:
            error = event["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise BackendError(f"the model server at {self.base_url} reported: {message}")
        try:
            choice = event["choices"][0] if event["choices"] else {}
            return choice.get("delta", {}).get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as err:
            raise BackendError(
                f"the model server at {self.base_url} sent an answer in an "
                f"unknown format: {data[:80]!r}"
            ) from err

    def _whole_answer(self, body: bytes, kind: str) -> str:
        """A server that ignores stream=true: accept a complete chat answer, reject the rest."""
        try:
            return json.loads(body)["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as err:
            raise BackendError(
                f"the model server at {self.base_url} did not answer like an OpenAI-compatible "
                f"server ({kind or 'no content type'}): {body[:80]!r}"
            ) from err
