"""The calibrated decision per behaviour: a tiny logistic regression plus a threshold per language.

Fitted by scoring.calibration on a labelled file; stored as JSON (shipped: scoring/data/
thresholds.json; a user's own calibration: $ROLEPLAY_HOME/calibration/<model>.json).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from simulator import paths
from simulator.vocabulary import BEHAVIOURS

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "thresholds.json"  # the default: MiniLM plus the reader (scoring.reader)
SHIPPED_MINILM = DATA / "thresholds-minilm.json"  # MiniLM alone, where the reader is missing


def shipped_path(model_id: str) -> Path:
    """The shipped file for a scorer's model id ("embedder+reader" or the embedder alone)."""
    return SHIPPED if "+" in model_id else SHIPPED_MINILM


@dataclass
class BehaviourModel:
    features: list[str]
    mean: list[float]
    std: list[float]
    weights: list[float]
    bias: float
    thresholds: dict[str, float] = field(default_factory=lambda: {"nl": 0.5, "en": 0.5})
    # A linear probe on the sentence embedding itself (empty: not used).
    vector_weights: list[float] = field(default_factory=list)

    def probability(self, values: dict[str, float], vector=None) -> float:
        z = self.bias
        for name, mu, sd, w in zip(self.features, self.mean, self.std, self.weights):
            z += w * (values.get(name, 0.0) - mu) / sd
        if self.vector_weights and vector is not None and len(vector) == len(self.vector_weights):
            if not hasattr(self, "_probe"):
                import numpy as np

                self._probe = np.asarray(self.vector_weights, dtype=np.float32)
            z += float(self._probe @ vector)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def threshold(self, lang: str) -> float:
        return self.thresholds.get(lang, self.thresholds.get("nl", 0.5))


@dataclass
class Calibration:
    model_id: str
    behaviours: dict[str, BehaviourModel]
    source: str = "uncalibrated"
    cv: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, source: str) -> Calibration:
        data = json.loads(text)
        models = {b: BehaviourModel(**m) for b, m in data["behaviours"].items()}
        missing = [b for b in BEHAVIOURS if b not in models]
        if missing:
            raise ValueError(f"no model for {', '.join(missing)}")
        return cls(data["model_id"], models, source, data.get("cv", {}))


def heuristic() -> Calibration:
    """Used for a model nobody calibrated yet: similarity margins only, no context weights.

    Margins are comparable across embedding models, raw similarities are not; hence the weights.
    """
    model = BehaviourModel(["margin", "lead", "pos1"], [0.0] * 3, [1.0] * 3, [12.0, 12.0, 6.0], -3.3)
    return Calibration("any", {b: model for b in BEHAVIOURS}, "uncalibrated")


def user_path(model_id: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id)[-80:]
    return paths.home() / "calibration" / f"{slug}.json"


def _read(path: Path) -> Calibration | None:
    try:
        return Calibration.from_json(path.read_text(encoding="utf-8"), str(path))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def outdated(model_id: str) -> list[str]:
    """The model ids of this home's refits from team leaders' reviews (`calibrate
    --from-reviews`) that were made for an earlier reading with the same embedder and reader
    family, while there is none for `model_id`.

    A change in how the scorer reads a reply gets a new id (scoring.reader.MODEL_ID), so a team's
    refit for the old reading is no longer used; the reviewed turns are still in the store and
    `roleplay calibrate --from-reviews` makes it again. Empty when nothing was lost, and for a
    scorer without a reader (MiniLM alone is another model, not a newer reading)."""
    if "+" not in model_id or _read(user_path(model_id)) is not None:
        return []
    embedder = model_id.split("+")[0]
    out = []
    for path in sorted(user_path(model_id).parent.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        other = str(data.get("model_id", ""))
        if (data.get("source") == "reviews" and "+" in other and other != model_id
                and other.split("+")[0] == embedder):
            out.append(other)
    return out


def resolve(model_id: str) -> Calibration:
    """The user's calibration for this model, else the shipped one if it fits, else heuristics."""
    for path in (user_path(model_id), shipped_path(model_id)):
        found = _read(path)
        if found is not None and found.model_id == model_id:
            return found
    return heuristic()
