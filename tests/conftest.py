"""Shared test set-up: a private $ROLEPLAY_HOME per test, and no network except loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.pop("ROLEPLAY_ALLOW_DOWNLOADS", None)

TEST_CACHE = Path(__file__).resolve().parent.parent / ".test-cache"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkAccessError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # unix socket
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_local(address):
        raise NetworkAccessError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise NetworkAccessError(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


_real_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not _is_local((host, 0)):
        raise NetworkAccessError(f"test tried to resolve a network host: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def roleplay_home(tmp_path_factory, monkeypatch):
    """Every test gets its own user-data directory (database, config, caches)."""
    home = tmp_path_factory.mktemp("roleplay_home")
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    monkeypatch.delenv("ROLEPLAY_DB", raising=False)
    # Model caches (the converted GGUF, exemplar embeddings) are shared by all tests and runs.
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(TEST_CACHE))
    return home


