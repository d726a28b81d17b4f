"""The responsive actor's memory: the tenant corpus, and the choice of the line that answers.

Among the lines the director allows (this persona, language and stance, the allowed facts) it
picks the one that answers what the trainee just said: a question about an allowed fact gets a
line that tells that fact, an off-topic or injected instruction gets a puzzled tenant, anything
else gets the exchange whose trainee line is most like this one (by meaning and by words, with
the same behaviours shown). A line is never said twice in one session.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.content.persona import Persona
from simulator.content.scenario import Scenario
from simulator.engine.asked import PASS, asks, gives
from simulator.engine.director import NEIGHBOURS, Decision
from simulator.engine.echo import content_words, echoes, says_all
from simulator.engine.guard import is_injection as asks_to_leave_the_role
from simulator.engine.guard import normalise

# Subtracted for a line of the current stance, its nearest, next and farthest stance (director.py).
# A looser (0, .2, .4, .6) matched the kind of move slightly more often on the dev set (93 vs 89 of
# 110), but let a hostile tenant answer with a cooperative line: the mood comes first.
STANCE_PENALTY = (0.0, 0.2, 0.6, 1.0)
FACT_MIN = 0.45  # relevance a question needs to a fact before the tenant tells it
FACT_RETELL = 0.6  # ... and to a fact already told before the tenant tells it again
# ... and to a fact the question just earned: "How often does it cut out?" got "I can't lift"
# (relevance 0.09). Dev lines (90 alone, 48 in 12 conversations): 13 replies changed, 8 better,
# none worse. A fact not told now is told when asked about (FACT_MIN).
EARNED_MIN = 0.2
OFF_TOPIC_MIN = 0.35  # relevance to an off-topic corpus line before the tenant deflects
EXCHANGE_MIN = 0.12  # below this nothing in the corpus answers; the act's own line is used
BEHAVIOUR_WEIGHT = 0.6  # dev set (kind of move matched): 0.25 -> 75/110, 0.6 -> 84/110
ACT_WEIGHT = 0.06
DISMISSIVE_WEIGHT = 0.2
JITTER = 0.03  # per session: the same line does not always win a near tie
QUESTION_START = re.compile(
    r"^\s*(?:wat|waar|wanneer|hoe|waarom|welke?|wie|hoelang|sinds|vertel|kunt|kun|kan|heeft|"
    r"hebt|heb|is|zijn|weet|mag|what|where|when|how|why|which|who|tell|can|could|do|does|did|"
    r"have|has|is|are|was|were)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CorpusLine:
    text: str
    kind: str  # "exchange" | "fact"
    act: str
    stance: str | None = None
    cue: str = ""  # the trainee line (exchange) it answers
    behaviours: tuple[str, ...] = ()
    fact: str | None = None
    needs: frozenset[str] = frozenset()  # words the trainee must have said (see echoes())
    asks: frozenset[str] = frozenset()  # what it asks the trainee for (asked.asks())
    presumes: frozenset[str] = frozenset()  # given in its trainee line, answered here: the pass


KEEP_BACK = object()  # the trainee asked about a fact the tenant keeps back for now


def is_question(text: str) -> bool:
    return "?" in text or bool(QUESTION_START.match(text))


ROLE_SWAP = (r"\bjij bent (?:nu )?(?:de|een)\b", r"\byou(?:'re| are) (?:now )?the (?:technician|tenant)\b")
# Requests no technician makes at the door; a complement to the corpus' own deflect lines, which
# catch the rest by similarity.
OFF_TOPIC = (
    (r"\b(?:gedicht\w*|poem|po[eë]zie|recept|recipe|hoofdstad|capital of|vertaal\w*|translat\w*|"
     r"mopje?|joke|quiz|robot|piraat|pirate|chatbot|taalmodel|language model|sonnet|lied(?:je)?|song)\b"),
    r"\b(?:doe|doen) alsof\b|\bpretend\b|\bspeel (?:eens )?(?:de|een)\b|\brole ?play\b",
)


def is_injection(text: str) -> bool:
    """The guard's instruction patterns, plus role swaps and requests no technician makes."""
    return asks_to_leave_the_role(text) or any(
        re.search(p, text, re.IGNORECASE) for p in (*ROLE_SWAP, *OFF_TOPIC)
    )


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / float(np.sqrt(len(a) * len(b))) if a and b else 0.0


class TenantCorpus:
    """The lines one persona may say in one scenario and language, ready to be chosen from."""

    def __init__(self, persona: Persona, scenario: Scenario, lang: str, embedder: Any = None,
                 rng: random.Random | None = None):
        """embedder: a scoring.embedder.Embedder (None: words only, as in headless checks)."""
        self.persona, self.scenario, self.lang = persona, scenario, lang
        self.embedder = embedder
        self.rng = rng or random.Random()
        self._salt = self.rng.getrandbits(32)  # this session's tie-breaks (see _jitter)
        self.exchanges = [
            CorpusLine(e.tenant, "exchange", e.act, e.stance, e.trainee, tuple(e.behaviours),
                       needs=echoes(e.trainee, e.tenant), asks=asks(e.tenant),
                       presumes=gives(e.trainee) & {PASS})
            for e in persona.exchanges.get(lang)
        ]
        self.facts: dict[str, list[CorpusLine]] = {}
        self.fact_cues: dict[str, list[str]] = {}
        for fact in scenario.facts:
            says = fact.says.get(lang) if fact.says else [fact.text.get(lang)]
            self.facts[fact.id] = [CorpusLine(t, "fact", "answer", fact=fact.id) for t in says]
            asked = list(fact.asked_by.get(lang)) if fact.asked_by else []
            self.fact_cues[fact.id] = asked + [fact.text.get(lang)]
        self._vectors: dict[str, np.ndarray] | None = None

    # -- similarity --------------------------------------------------------------------------
    def _cue_vectors(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            texts = sorted({e.cue for e in self.exchanges}
                           | {c for cues in self.fact_cues.values() for c in cues})
            self._vectors = {}
            if self.embedder is not None and texts:
                from scoring.embedder import EmbeddingCache

                # Cached by content hash: only new or edited corpus lines are ever embedded.
                matrix, _ = EmbeddingCache(self.embedder.model_id).embed(self.embedder, texts)
                self._vectors = dict(zip(texts, matrix))
        return self._vectors

    def relevance(self, trainee: str, cues: list[str], vector: np.ndarray | None) -> float:
        """How well `trainee` matches the best of `cues`: meaning (if embedded) and words."""
        words = content_words(trainee)
        vectors = self._cue_vectors() if vector is not None else {}
        best = 0.0
        for cue in cues:
            lexical = word_overlap(words, content_words(cue))
            if vector is not None and cue in vectors:
                best = max(best, 0.6 * float(vectors[cue] @ vector) + 0.4 * lexical)
            else:
                best = max(best, lexical)
        return best

    def _vector(self, trainee: str) -> np.ndarray | None:
        if self.embedder is None:
            return None
        self._cue_vectors()
        return self.embedder.encode([trainee])[0]

    # -- the choice --------------------------------------------------------------------------
    def choose(self, decision: Decision, trainee: str, said: Sequence[str],
               given: frozenset[str] = frozenset(), last: bool = False) -> CorpusLine | None:
        """The line that answers `trainee` now; None when nothing fits (use the act's line).
        said: the tenant's lines so far; given: what the trainee told of itself (asked.given()):
        a line that asks for it again is not said, one that answers the pass only after it.
        last: the conversation ends with this line, so it asks nothing (no one could answer)."""
        spent = {normalise(t) for t in said}
        if last:  # a question is as good as said: it is never chosen
            lines = [*self.exchanges, *(ln for fact in self.facts.values() for ln in fact)]
            spent |= {normalise(ln.text) for ln in lines if ln.text.rstrip().endswith("?")}
        given = given | gives(trainee)
        vector = self._vector(trainee) if trainee else None
        if trainee and (is_injection(trainee) or self._off_topic(trainee, vector)):
            return self._exchange(decision, trainee, vector, spent, given, deflect=True)
        fact = self._fact_answer(decision, trainee, vector, spent)
        if fact is KEEP_BACK:
            return None  # not a corpus answer: the director's act line, which tells nothing
        if fact is not None:
            return fact
        return self._exchange(decision, trainee, vector, spent, given)

    def _off_topic(self, trainee: str, vector: np.ndarray | None) -> bool:
        """More like the off-topic lines of the corpus than like anything about the visit."""
        deflect = [e.cue for e in self.exchanges if e.act == "deflect"]
        other = [e.cue for e in self.exchanges if e.act != "deflect"]
        other += [c for cues in self.fact_cues.values() for c in cues]
        best = self.relevance(trainee, deflect, vector)
        return best >= OFF_TOPIC_MIN and best > self.relevance(trainee, other, vector)

    def _fresh_fact_line(self, fact_id: str, spent: set[str]) -> CorpusLine | None:
        fresh = [ln for ln in self.facts.get(fact_id, []) if normalise(ln.text) not in spent]
        return self.rng.choice(fresh) if fresh else None

    def _fact_answer(self, decision: Decision, trainee: str, vector: np.ndarray | None,
                     spent: set[str]) -> CorpusLine | object | None:
        if not trainee or not is_question(trainee):
            return None
        shown = set(decision.behaviours)
        if "ask_permission" in shown and not shown & {"open_question", "check_understanding"}:
            return None  # "Mag ik even binnenkomen?" asks leave, not for what the tenant knows
        scored = sorted(
            ((self.relevance(trainee, self.fact_cues[f.id], vector), f.id)
             for f in self.scenario.facts), reverse=True)
        best_score, best_id = scored[0] if scored else (0.0, None)
        told = {ln.fact for lines in self.facts.values() for ln in lines
                if normalise(ln.text) in spent}
        needed = FACT_RETELL if best_id in told else FACT_MIN  # once told, only when asked again
        if best_id is not None and best_score >= needed:
            if best_id not in decision.allowed_facts:
                return KEEP_BACK  # asked about something the tenant will not tell yet
            line = self._fresh_fact_line(best_id, spent)
            if line is not None:
                return line
        # The question just earned a fact the tenant kept back: now it comes out, if the question
        # has anything to do with it.
        for fact_id in (f for f in decision.new_facts if f not in told
                        and self.relevance(trainee, self.fact_cues[f], vector) >= EARNED_MIN):
            line = self._fresh_fact_line(fact_id, spent)
            if line is not None:
                return line
        return None

    def _candidates(self, spent: set[str], deflect: bool) -> list[CorpusLine]:
        # Off-topic lines are not always recognisable as injections, so deflections always compete
        # on similarity; a recognised injection gets nothing but a deflection.
        return [e for e in self.exchanges if normalise(e.text) not in spent
                and (e.act == "deflect" or not deflect)]

    def _jitter(self, turn: int, text: str) -> float:
        """A tie-break in [0, 1) fixed per session, turn and line: unlike a draw per candidate,
        it stays the same when other lines are added or left out (a trainer's edit to the
        corpus changes only the turns it should)."""
        return zlib.crc32(f"{self._salt}|{turn}|{text}".encode()) / 2**32

    def _exchange(self, decision: Decision, trainee: str, vector: np.ndarray | None,
                  spent: set[str], given: frozenset[str],
                  deflect: bool = False) -> CorpusLine | None:
        candidates = [c for c in self._candidates(spent, deflect)
                      if says_all(trainee, c.needs) and not c.asks & given
                      and c.presumes <= given]
        shown = set(decision.behaviours)
        distance = {s: i for i, s in enumerate((decision.stance, *NEIGHBOURS[decision.stance]))}
        best: tuple[float, float, CorpusLine] | None = None  # score, evidence, line
        for line in candidates:
            relevance = self.relevance(trainee, [line.cue], vector) if trainee else 0.0
            union = shown | set(line.behaviours)
            overlap = len(shown & set(line.behaviours)) / len(union) if union else 0.0
            evidence = relevance + BEHAVIOUR_WEIGHT * overlap  # that it answers this line at all
            score = evidence + ACT_WEIGHT * (line.act == decision.act)
            # A brush-off gets a reaction to a brush-off, and only a brush-off gets one.
            score += DISMISSIVE_WEIGHT * (("dismissive" in shown) == ("dismissive" in line.behaviours))
            # The mood decides first: a line of another stance must answer much better to win.
            score -= STANCE_PENALTY[distance[line.stance]] if line.stance else 0.0
            score += JITTER * self._jitter(decision.turn, line.text)
            if best is None or score > best[0]:
                best = (score, evidence, line)
        if best is None:
            return None
        _, evidence, line = best
        if evidence < EXCHANGE_MIN and not deflect:
            return None
        return line
