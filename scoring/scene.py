"""Which example lines fit the job: a boiler example in a tap job confuses more than it helps.

Rubric exemplars come from many jobs ("Ik ga eerst de ketel ontluchten", "...lekt het alleen als
u doucht"). A `Scene` holds the kinds of job and room that a scenario's own text names; an example
fits when every job or room it names is one of those. Examples that name none fit every scene.

    scene = Scene.of(scenario_text, "nl")
    scene.fits("Ik ga eerst de ketel ontluchten.")      # False in a tap job
    pick("", examples, scene)                            # the first example that fits
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# kind of job or room -> how it is named (Dutch: also inside compounds, "keukenkraan").
JOB_WORDS: dict[str, dict[str, str]] = {
    "heating": {"nl": r"ketel|\bcv\b|verwarming|radiator|thermostaat|kachel",
                "en": r"boiler|\bheat(?:ing|er)|radiator|thermostat"},
    "tap": {"nl": r"kraan|kranen", "en": r"\btaps?\b|stopcock"},
    "leak": {"nl": r"(?<![pv])lek(?!ker|tr)|druppel", "en": r"\bleak|\bdrip"},
    "pipe": {"nl": r"leiding", "en": r"\bpipe"},
    "drain": {"nl": r"afvoer|sifon|gootsteen", "en": r"\bdrain|\bsink\b"},
    "shower_toilet": {"nl": r"douch|\bwc\b|toilet", "en": r"shower|toilet|\bflush"},
    "mould": {"nl": r"schimmel|vocht|condens|ventil", "en": r"mould|\bdamp\b|condensation|ventilat"},
    "window": {"nl": r"\braam|\bramen\b|kozijn|vensterbank|scharnier|tocht\b",
               "en": r"window|hinge|draught"},
    "electrics": {"nl": r"meterkast|stroom|stekker|stopcontact|elektr",
                  "en": r"\bfuse|electric|\bpower\b|socket"},
    "bathroom": {"nl": r"badkamer", "en": r"bathroom"},
    "kitchen": {"nl": r"keuken|aanrecht", "en": r"kitchen|worktop"},
    "bedroom": {"nl": r"slaapkamer", "en": r"bedroom"},
}
_PATTERNS = {lang: {kind: re.compile(words[lang]) for kind, words in JOB_WORDS.items()}
             for lang in ("nl", "en")}


def job_kinds(text: str, lang: str) -> frozenset[str]:
    """The kinds of job and room that `text` names."""
    lowered = text.lower()
    patterns = _PATTERNS["en" if lang == "en" else "nl"]
    return frozenset(kind for kind, pattern in patterns.items() if pattern.search(lowered))


@dataclass(frozen=True)
class Scene:
    """What one practice job is about, in one language."""

    lang: str
    kinds: frozenset[str]

    @classmethod
    def of(cls, text: str, lang: str) -> Scene:
        return cls(lang, job_kinds(text, lang))

    def fits(self, example: str) -> bool:
        return job_kinds(example, self.lang) <= self.kinds


def pick(preferred: str, examples: Sequence[str], scene: Scene | None) -> str:
    """`preferred` if it fits the scene, else the first of `examples` that does ("" if none).
    Without a scene (no scenario known) `preferred`, else the first example."""
    if scene is None:
        return preferred or (examples[0] if examples else "")
    return next((e for e in (preferred, *examples) if e and scene.fits(e)), "")


def scenario_scene(scenario, lang: str) -> Scene:
    """The scene of a content Scenario: its title, situation, briefing and facts."""
    parts = [scenario.title, scenario.situation, scenario.briefing,
             *(fact.text for fact in scenario.facts)]
    return Scene.of(" ".join(part.get(lang) for part in parts), lang)
