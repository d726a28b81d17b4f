"""The models behind the app: back-end and scorer, created cheaply, warmed up in a worker.

Nothing here imports torch, transformers or sentence_transformers at import time; they load
inside warm_up(), which the app runs in a thread once the first frame is on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Progress = Callable[[str], None]
# The settings that decide the tenant model; any other change (the name) keeps it loaded.
TENANT_FIELDS = ("backend", "model", "base_url", "api_key", "generation", "timeout", "model_langs")


def _differs(old: Any, new: Any, fields: tuple[str, ...]) -> bool:
    return old is None or any(getattr(old, f, None) != getattr(new, f, None) for f in fields)


class ModelHub:
    """Owns the back-end and the scorer for all sessions of one app run."""

    def __init__(self, settings: Any = None, backend: Any = None, scorer: Any = None) -> None:
        self._settings = settings
        self._backend = backend
        self._scorer = scorer
        self.errors: dict[str, str] = {}
        self.ready = threading.Event()
        self._lock = threading.Lock()

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from simulator.settings import load_settings

            self._settings = load_settings()
        return self._settings

    def use_settings(self, settings: Any) -> bool:
        """New settings (from the settings screen). Only what they change is made again: a new
        name keeps the loaded models. True when a model must load again."""
        with self._lock:
            old, self._settings = self._settings, settings
            tenant = _differs(old, settings, TENANT_FIELDS)
            scorer = _differs(old, settings, ("embedder",))
            if tenant:
                close = getattr(self._backend, "close", None)
                if close is not None:
                    close()  # llama.cpp's server and its cache are let go now, not at exit
                self._backend = None
                self.errors.pop("backend", None)
                self.errors.pop("gate", None)
            if scorer:
                self._scorer = None
                self.errors.pop("scorer", None)
            if tenant or scorer:
                self.ready.clear()
            return tenant or scorer

    @property
    def backend(self) -> Any:
        with self._lock:
            if self._backend is None:
                from simulator.backends import make_backend

                self._backend = make_backend(self.settings)
            return self._backend

    @property
    def gate(self) -> Any:
        """The meaning gate for model lines, on the scorer's embedder (None: the model failed)."""
        from simulator.engine.meaning import MeaningGate

        if "backend" in self.errors:
            return None
        return MeaningGate.for_embedder(self.scorer.embedder)

    @property
    def scorer(self) -> Any:
        with self._lock:
            if self._scorer is None:
                from scoring.scorer import Scorer

                self._scorer = Scorer.default()
            return self._scorer

    def describe(self) -> str:
        """back-end · model · embedder, for the status line."""
        try:
            s = self.settings
        except Exception as err:  # noqa: BLE001 - broken config file: say so instead of crashing the app
            return f"settings: {err}"
        from simulator.backends import backend_name
        from simulator.settings import model_languages

        langs = model_languages(s)
        tenant = [backend_name(s), s.model or "SmolLM2-135M"]
        if not langs:
            tenant = ["corpus"]  # the model speaks no language: it is never loaded
        elif len(langs) < 2:
            tenant[-1] += f" ({'/'.join(langs)})"
        from scoring.reader import available

        scorer = s.embedder or ("MiniLM-L6 + Gemma-L8" if available() else "MiniLM-L6")
        parts = [*tenant, scorer]
        return " · ".join(str(p) for p in parts if p)

    def warm_up(self, progress: Progress) -> dict[str, str]:
        """Load the embedder and the tenant model; errors are kept, never raised."""
        try:
            from simulator.settings import model_languages

            self._load("scorer", lambda: self.scorer.load(progress=progress))
            if model_languages(self.settings):
                self._load("backend", lambda: self.backend.load(
                    progress=lambda message, fraction=None: progress(message)))
                if "backend" not in self.errors:  # no model, no model lines to check
                    # Trained once per run (a few seconds) here, not when a session starts.
                    progress("Training the meaning gate")
                    self._load("gate", lambda: self.gate)
        finally:
            self.ready.set()
        return dict(self.errors)

    def _load(self, name: str, load: Callable[[], Any]) -> None:
        try:
            load()
        except Exception as err:  # noqa: BLE001 - a missing model must not take the app down
            self.errors[name] = str(err).splitlines()[0] if str(err) else type(err).__name__


def default_session_factory(hub: ModelHub) -> Callable[..., Any]:
    """Sessions with the real engine, the hub's back-end and scorer, and the app's store."""

    def make(*, library, persona_id, scenario_id, lang, trainee, mode, consent=False, store=None):
        from simulator.engine.session import PracticeSession
        from simulator.settings import model_languages

        langs = model_languages(hub.settings)
        return PracticeSession(
            library, persona_id, scenario_id, lang, backend=hub.backend if langs else None,
            scorer=hub.scorer, store=store, trainee=trainee, mode=mode, consent=consent,
            options=getattr(hub.settings, "generation", None), model_langs=langs,
            gate=hub.gate if langs else None,
        )

    return make
