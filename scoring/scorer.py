"""Detect the 11 behaviours in one trainee reply, sentence by sentence, in its context.

Each sentence is compared with the positive and near-miss exemplars of the reply's language; the
best sentence per behaviour gives similarity features, the context adds question form, position
and resemblance to the tenant's last line, and a calibrated model (scoring.model) decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scoring import features as F
from scoring.ahead import Ahead
from scoring.bank import Bank, Candidate
from scoring.embedder import Embedder, EmbeddingCache, make_embedder
from scoring.evaluation import Item, load_items
from scoring.model import Calibration, resolve
from scoring.probes import (
    DeepProbe,
    Reading,
    fingerprint,
    knn_votes,
    load_probes,
    save_probes,
)
from scoring.reader import frame, make_reader
from scoring.rubric import Rubric, behaviour_specs, exemplar_texts, load_rubrics
from simulator.vocabulary import BEHAVIOURS, LANGS

Progress = Callable[[str], None]
TRAIN = Path(__file__).resolve().parent / "data" / "train.jsonl"
READER_PROBES = TRAIN.with_name("reader_probes.npz")  # fitted on the rubric and TRAIN
KNN = 7  # neighbours that vote; odd, and small next to ~16 positives per behaviour
_READING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader")
_THREADS = threading.Lock()


@dataclass(frozen=True)
class Detection:
    behaviour: str
    detected: bool
    confidence: float
    sentence: str
    exemplar: str


@dataclass(frozen=True)
class TurnScore:
    text: str
    lang: str
    detections: dict[str, Detection]
    sentences: list[str] = field(default_factory=list)

    @property
    def detected(self) -> list[str]:
        return [b for b in BEHAVIOURS if self.detections[b].detected]


@contextmanager
def _one_thread(active: bool):
    """Torch on one thread for a turn whose two encodes run side by side.

    The thread count is one setting for the whole process: each encode saving and restoring it
    from its own thread could leave it at the other's value. Set once here, around both.
    """
    if not active:
        yield
        return
    import torch

    with _THREADS:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(previous)


def training_replies() -> list[Item]:
    """The labelled replies of the training split (scoring/data/train.jsonl), if shipped.

    They teach the lexical probe; the development split calibrates, the test split measures.
    """
    return load_items(TRAIN) if TRAIN.is_file() else []


class Scorer:
    """Scores trainee replies. Accepts any embedder (FakeEmbedder in unit tests)."""

    def __init__(self, rubrics: dict[str, Rubric] | None = None, embedder: Embedder | None = None,
                 calibration: Calibration | None = None, use_cache: bool = True,
                 training: Sequence[Item] | None = None, reader: Embedder | None = None):
        """`training`: the labelled replies that teach the probes (default: the training split).
        `reader`: a second, multilingual reading of the whole reply (scoring.reader); None: none."""
        self.rubrics = rubrics if rubrics is not None else load_rubrics()
        self.specs = behaviour_specs(self.rubrics)
        self.embedder = embedder if embedder is not None else make_embedder()
        self.use_cache = use_cache
        self.training = training
        self.reader = reader
        self._ahead = Ahead()  # work done before the turn (scoring.ahead)
        self._given_calibration = calibration
        self.calibration: Calibration | None = calibration
        self._banks: dict[str, Bank] = {}

    @classmethod
    def default(cls, settings=None) -> Scorer:
        """Shipped rubrics and the embedder from `settings` (default: load_settings()).

        Nothing heavy happens here; the model loads on first use or load().
        """
        model = getattr(settings, "embedder", None) if settings is not None else None
        return cls(embedder=make_embedder(model), reader=make_reader())

    @property
    def model_id(self) -> str:
        """What the calibration was fitted for: the embedder, plus the reader if there is one."""
        if self.reader is None:
            return self.embedder.model_id
        return f"{self.embedder.model_id}+{self.reader.model_id}"

    def load(self, progress: Progress | None = None) -> None:
        if self._banks:
            return
        self.embedder.load(progress)
        replies = training_replies() if self.training is None else list(self.training)
        texts = list(dict.fromkeys(exemplar_texts(self.specs) + [it.text for it in replies]))
        if progress:
            progress(f"Embedding {len(texts)} rubric exemplars and labelled replies")
        vectors = self._embed(self.embedder, texts)
        readings, shipped = None, None
        if self.reader is not None:
            self._load_reader(progress)
        if self.reader is not None:
            if self.training is None:  # the shipped training split: its probe may be shipped
                shipped = load_probes(READER_PROBES, self.probe_stamp(replies), LANGS)
            if shipped is None:
                if progress:
                    progress(f"Reading {len(texts)} rubric exemplars and labelled replies")
                said = [it.tenant_said for it in replies if it.tenant_said.strip()]
                framed = [frame(t, "") for t in exemplar_texts(self.specs)]
                framed += [frame(it.text, it.tenant_said) for it in replies]
                readings = self._embed(self.reader, list(dict.fromkeys(framed + said)))
        self._banks = {lang: Bank(self.specs, lang, vectors,
                                   [it for it in replies if it.lang == lang], readings)
                       for lang in LANGS}
        for lang, probe in (shipped or {}).items():
            self._banks[lang].deep = probe
        if self.calibration is None:
            self.calibration = resolve(self.model_id)

    def _load_reader(self, progress: Progress | None) -> None:
        """Load the reader; if it cannot load, go on with MiniLM alone (and say so)."""
        try:
            self.reader.load(progress)
        except Exception as err:  # noqa: BLE001 - a missing package or cache: MiniLM still scores
            if progress:
                progress(f"Scoring without the reader: {str(err).splitlines()[0]}")
            self.reader = None

    def probe_stamp(self, replies: Sequence[Item]) -> str:
        """The fingerprint of what the reader probe learns from (see save_reader_probes)."""
        rubric = [[b, lang, self.specs[b].examples.get(lang).positive,
                   self.specs[b].examples.get(lang).negative] for b in BEHAVIOURS for lang in LANGS]
        taught = [[it.lang, it.text, it.tenant_said, sorted(it.labels)] for it in replies]
        return fingerprint([self.reader.model_id if self.reader else None, DeepProbe.METHOD,
                            rubric, taught])

    def save_reader_probes(self) -> Path | None:
        """Ship the fitted reader probes (`roleplay calibrate --ship`), so that a first start
        loads them instead of reading every exemplar and training reply (minutes)."""
        self.load()
        if self.reader is None or self.training is not None:
            return None
        stamp = self.probe_stamp(training_replies())
        save_probes(READER_PROBES, stamp, {lang: bank.deep for lang, bank in self._banks.items()})
        return READER_PROBES

    def _embed(self, model: Embedder, texts: list[str]) -> dict[str, np.ndarray]:
        if self.use_cache:
            matrix, _ = EmbeddingCache(model.model_id).embed(model, texts)
        else:
            matrix = model.encode(texts)
        return dict(zip(texts, matrix))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        return self.embedder.encode(list(texts))

    def read_ahead(self, tenant_said: str, draft: str = "") -> None:
        """Work ahead of the turn (scoring.ahead): embed and read the tenant's line once it is
        shown, and the reply as far as it is typed (`draft`, at each pause). The turn then
        only does what changed since. Never fails: it is only a head start."""
        try:
            self.load()
            with _one_thread(self.reader is not None):
                self._ahead.prepare(self.embedder, self.reader, tenant_said, draft)
        except Exception:  # noqa: BLE001 - the turn does the work itself
            return

    def read(self, text: str, tenant_said: str = "") -> Reading | None:
        """The reader's vectors of a reply and the tenant's line (None without a reader)."""
        return self._ahead.read(self.reader, text, tenant_said) if self.reader else None

    def score_turn(self, text: str, lang: str, tenant_said: str = "", turn_index: int = 0,
                   is_last: bool = False) -> TurnScore:
        self.load()
        sentences = F.split_sentences(text)
        if not sentences:
            return self._empty(text, lang)
        with _one_thread(self.reader is not None):
            # The reader reads on the other core while MiniLM embeds (each on one thread).
            reading = _READING.submit(self.read, text, tenant_said) if self.reader else None
            # One encode call for what read_ahead has not embedded yet keeps a turn fast.
            said = [tenant_said] if tenant_said.strip() else []
            vectors = self._ahead.embed(self.embedder, sentences + said)
            tenant_vec = vectors[len(sentences)] if tenant_said.strip() else None
            # The features that need no reading are worked out while the reader finishes.
            cands = self.candidates(sentences, vectors[: len(sentences)], lang, tenant_vec,
                                    turn_index, is_last)
            if reading is not None:
                self._add_reading(cands, lang, reading.result())
        return self.decide(text, lang, sentences, cands)

    def decide(self, text: str, lang: str, sentences: list[str],
               cands: dict[str, Candidate]) -> TurnScore:
        detections = {}
        for b, cand in cands.items():
            model = self.calibration.behaviours[b]
            p = model.probability(cand.values, cand.vector) if cand.allowed else 0.0
            found = cand.allowed and p >= model.threshold(lang)
            detections[b] = Detection(b, found, round(p, 4), cand.sentence, cand.exemplar)
        return TurnScore(text, lang, detections, sentences)

    def _empty(self, text: str, lang: str) -> TurnScore:
        return TurnScore(text, lang, {b: Detection(b, False, 0.0, "", "") for b in BEHAVIOURS})

    def candidates(self, sentences: list[str], vectors: np.ndarray, lang: str,
                   tenant_vec: np.ndarray | None, turn_index: int,
                   is_last: bool, reading: Reading | None = None) -> dict[str, Candidate]:
        """Per behaviour the best sentence and its features; used by scoring and calibration."""
        self.load()
        bank = self._banks["en" if lang == "en" else "nl"]
        sp, sn = vectors @ bank.pos.T, vectors @ bank.neg.T
        tsim = vectors @ tenant_vec if tenant_vec is not None else np.zeros(len(sentences))
        qflags = [F.question_flags(s, lang) | F.cue_flags(s) for s in sentences]
        knn = knn_votes(sp, sn, bank.pos_owner, bank.neg_owner, KNN)
        # Per sentence the best similarity to each behaviour's positives, for the "rival" feature.
        probe = vectors @ bank.probe + bank.probe_bias
        lexical = bank.lexical.scores(sentences + [" ".join(sentences)])  # last row: the reply
        best = np.maximum.reduceat(sp, bank.pos_start, axis=1)  # exemplars are grouped by owner
        out = {}
        for k, b in enumerate(BEHAVIOURS):
            out[b] = bank.candidate(k, b, self.specs[b].position, sp, sn, tsim, qflags, sentences,
                                    lang, turn_index, is_last, knn[:, k], vectors, best,
                                    probe[:, k], lexical[:-1, k], float(lexical[-1, k]))
        self._add_reading(out, lang, reading)
        return out

    def _add_reading(self, cands: dict[str, Candidate], lang: str,
                     reading: Reading | None) -> None:
        """The reader probe's score per behaviour (`deep`; 0 without a reading)."""
        bank = self._banks["en" if lang == "en" else "nl"]
        deep = np.zeros(len(BEHAVIOURS))
        if bank.deep is not None and reading is not None:
            deep = bank.deep.scores(reading.reply, reading.tenant)
        for k, b in enumerate(BEHAVIOURS):
            cands[b].values["deep"] = float(deep[k])
