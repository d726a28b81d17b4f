"""The actor: the tenant's next line, chosen from the corpus or written by a model.

In a language the model may speak (settings.model_langs), the model writes the line and the guard
(form checks plus the meaning gate) keeps it in character; a rejected line is regenerated once,
then replaced by the corpus line that answers the trainee. In any other language, or without a
model, the corpus line is the answer straight away. When nothing in the corpus fits, an authored
line of the director's act is used (act x stance x language, not used yet). A failing back-end
never stalls the session: its error is recorded and the corpus answers.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.content.persona import Persona
from simulator.content.scenario import Scenario
from simulator.engine.asked import given
from simulator.engine.corpus import TenantCorpus
from simulator.engine.director import Decision
from simulator.engine.guard import Guard, normalise, sentences, words
from simulator.engine.prompt import Turn, history_messages, system_prompt, turn_note

EXAMPLES = 3
RECENT_FALLBACKS = 6
EARLY_CHECK_WORDS = 6
Wanted = Callable[[], bool]  # asked before work done ahead: False when it is no longer wanted


class ReplyCancelled(Exception):
    """The caller stopped the reply (should_stop returned True); nothing was said."""


@dataclass
class TenantLine:
    text: str
    source: str  # "model" | "corpus" | "fallback" (the act's authored line)
    guard: list[str] = field(default_factory=list)  # why earlier attempts were rejected
    act: str | None = None  # the act of a corpus line, when it differs from the director's
    fact: str | None = None  # the fact id a corpus line tells
    prompt: list[dict[str, str]] | None = None  # the messages of the last model attempt
    latency_ms: int = 0
    first_token_ms: int | None = None
    attempts: int = 0


def clean(raw: str, names: list[str]) -> str:
    """The tenant's words only: no role prefix, quotes, following turns or broken last sentence."""
    text = raw.strip()
    prefix = "|".join(re.escape(n) for n in names + ["tenant", "huurder", "assistant"])
    text = re.sub(rf"^\s*(?:{prefix})\s*:\s*", "", text, flags=re.IGNORECASE)
    # Small models like to label the speaker with a name of their own ("Henk:", "Mrs Smith:").
    # A technician's label stays, so that the guard sees who is speaking.
    text = re.sub(r"^\s*(?!(?:technician|technicus|monteur|engineer|system|user)\b)"
                  r"[A-Z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,2}\s*:\s+", "", text, flags=re.IGNORECASE)
    text = text.split("\n")[0].strip()
    text = text.strip("\"'“”„ ").strip()
    ends = list(re.finditer(r"[.!?…]+(?=[\s\"')\]]|$)", text))
    if ends and ends[-1].end() < len(text) - 1:
        text = text[: ends[-1].end()]  # the reply was cut off mid-sentence
    return text.strip()


def _stop_when_done(text: str) -> bool:
    """Stop generating once the tenant's line is complete (a new line or a fourth sentence)."""
    stripped = text.lstrip()
    return "\n" in stripped or len(sentences(stripped)) > 3


class TenantActor:
    """Writes tenant lines for one persona, scenario and language."""

    def __init__(
        self,
        persona: Persona,
        scenario: Scenario,
        lang: str,
        backend: Any = None,
        options: Any = None,
        rng: random.Random | None = None,
        embedder: Any = None,
        gate: Any = None,
    ):
        """backend None: corpus lines only (fast; deterministic checks). gate: a MeaningGate."""
        self.persona, self.scenario, self.lang = persona, scenario, lang
        self.backend = backend
        self.options = options
        self.guard = Guard(lang)
        self.gate = gate
        self.rng = rng or random.Random()
        self.corpus = TenantCorpus(persona, scenario, lang, embedder, random.Random(self.rng.random()))
        self.names = [persona.name.get(lang), persona.background.get(lang).split(",")[0]]
        self.system = system_prompt(persona, scenario, lang)  # the same all session: cached

    def messages(
        self, decision: Decision, history: list[Turn], correction: list[str] | None = None,
        examples: list[str] | None = None,
    ) -> list[dict[str, str]]:
        facts = {f.id: f.text.get(self.lang) for f in self.scenario.facts}
        note = turn_note(
            self.lang,
            decision.stance,
            decision.act,
            [facts[f] for f in decision.allowed_facts if f not in decision.new_facts],
            [facts[f] for f in decision.new_facts],
            (examples or self.authored(decision))[:EXAMPLES],
            correction,
        )
        return [
            {"role": "system", "content": self.system},
            *history_messages(history, self.lang),
            {"role": "system", "content": note},
        ]

    def authored(self, decision: Decision) -> list[str]:
        acts = self.persona.repertoire[decision.act_stance]
        return list(acts[decision.act].get(self.lang))

    def speak(
        self,
        decision: Decision,
        history: list[Turn],
        gated: dict[str, str],
        on_chunk: Callable[[str], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> TenantLine:
        """The tenant's next line. history ends with the trainee's line; gated: fact id -> text."""
        started = time.perf_counter()
        trainee, earlier = _said(history)
        line = TenantLine(text="", source="fallback")
        choice = self._choose(decision, history)
        examples = [choice.text] if choice is not None else None
        if self.backend is not None:
            correction: list[str] | None = None
            for attempt in (1, 2):
                messages = self.messages(decision, history, correction, examples)
                line.prompt, line.attempts = messages, attempt
                try:
                    text, first = self._generate(messages, on_chunk, should_stop, started)
                except ReplyCancelled:
                    raise
                except Exception as err:  # noqa: BLE001 - a bad back-end must not stall the session
                    line.guard.append(f"backend: {_message(err)}")
                    break
                if line.first_token_ms is None:
                    line.first_token_ms = first
                reasons = self.guard.check(text, earlier, gated, trainee)
                if not reasons and self.gate is not None:
                    reasons = self.gate.reasons(text)
                if not reasons:
                    line.text, line.source = text, "model"
                    break
                line.guard += [f"attempt {attempt}: {r}" for r in reasons]
                correction = reasons
        if line.source == "fallback" and choice is not None:
            line.text, line.source = choice.text, "corpus"
            line.act, line.fact = choice.act, choice.fact
        elif line.source == "fallback":
            line.text = self.fallback(decision, earlier)
        line.latency_ms = int((time.perf_counter() - started) * 1000)
        return line

    @property
    def prefills(self) -> bool:
        """Whether the back-end can read a prompt ahead (the llamacpp back-end's prefill)."""
        return callable(getattr(self.backend, "prefill", None))

    def prefill_history(self, history: list[Turn], wanted: Wanted = lambda: True) -> bool:
        """Have the back-end read the conversation so far (the system prompt and the turns,
        up to the trainee's next turn) while the trainee starts typing: the reply then reads
        only the trainee's line and the note after it. `wanted`: asked again once the model
        is free; False skips it (a newer request came). True when it was read."""
        if not self.prefills:
            return False
        return bool(self.backend.prefill([{"role": "system", "content": self.system},
                                          *history_messages(history, self.lang),
                                          {"role": "user", "content": ""}], wanted))

    def prefill(self, decision: Decision, history: list[Turn],
                wanted: Wanted = lambda: True) -> bool:
        """Have the back-end read the prompt speak() would send first, now, while the trainee
        still looks at their line (history ends with it): when that line is sent as it is,
        the reply starts from the cached prompt. True when it was read."""
        if not self.prefills:
            return False
        choice = self._choose(decision, history, peek=True)
        return bool(self.backend.prefill(self.messages(decision, history, None,
                                                       [choice.text] if choice else None),
                                         wanted))

    def _choose(self, decision: Decision, history: list[Turn], peek: bool = False):
        """The corpus line for this turn (speak's example); `peek`: as speak() will choose it
        later, leaving the corpus's random state as it was."""
        trainee, earlier = _said(history)
        state = self.corpus.rng.getstate()
        try:
            return self.corpus.choose(decision, trainee, earlier, given(history))
        finally:
            if peek:
                self.corpus.rng.setstate(state)

    def _generate(
        self,
        messages: list[dict[str, str]],
        on_chunk: Callable[[str], None] | None,
        should_stop: Callable[[], bool],
        started: float,
    ) -> tuple[str, int | None]:
        text, first = "", None
        checked = [0]

        def stop() -> bool:
            if should_stop() or _stop_when_done(text):
                return True
            # Once a few words are out, a line in the wrong language (the small model's usual
            # failure in Dutch) is not worth finishing: the retry or fallback comes sooner.
            count = len(words(text))
            if count >= EARLY_CHECK_WORDS and count != checked[0]:
                checked[0] = count
                return bool(self.guard.early(text))
            return False

        for chunk in self.backend.stream(messages, self.options, should_stop=stop):
            if should_stop():
                raise ReplyCancelled()
            if first is None and chunk:
                first = int((time.perf_counter() - started) * 1000)
            text += chunk
            if on_chunk is not None and chunk:
                on_chunk(chunk)
        if should_stop():
            raise ReplyCancelled()
        return clean(text, self.names), first

    def last_words(self, decision: Decision, history: list[Turn]) -> str | None:
        """The tenant's answer to the trainee's last line when it can also be the last thing
        said: the conversation resolved on a line that was no goodbye ("Mag ik even naar de
        badkamer?" is answered "Kom maar binnen", not "Fijne dag verder"). None: a goodbye is
        what fits (the trainee wrapped up), or the corpus has no answer that is not a question;
        the persona's authored closing is said then."""
        if decision.outcome != "resolved" or "close_next_steps" in decision.behaviours:
            return None
        # Said as a willing tenant: the satisfied stance's lines are the end of a visit
        # ("Die hang ik bij de telefoon"); a conversation at the door ends on letting them in.
        trainee, earlier = _said(history)
        choice = self.corpus.choose(replace(decision, stance="cooperative"), trainee, earlier,
                                    given(history), last=True)
        return choice.text if choice is not None else None

    def fallback(self, decision: Decision, earlier: list[str]) -> str:
        """An authored line for the act, stance and language, preferring ones not said yet."""
        lines = self.authored(decision)
        said = [normalise(t) for t in earlier]
        fresh = [line for line in lines if normalise(line) not in said]
        if not fresh:
            recent = set(said[-RECENT_FALLBACKS:])
            fresh = [line for line in lines if normalise(line) not in recent] or lines
        return self.rng.choice(fresh)


def _said(history: list[Turn]) -> tuple[str, list[str]]:
    """The trainee's last line (when the history ends with it) and the tenant's lines so far."""
    trainee = history[-1].text if history and history[-1].speaker == "trainee" else ""
    return trainee, [t.text for t in history if t.speaker == "tenant"]


def _message(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:200]
