"""No downloads at run time: hub access is off unless the user explicitly turns it on.

Call ensure_offline() before importing transformers, sentence_transformers or huggingface_hub
(they read these switches at import time). ROLEPLAY_ALLOW_DOWNLOADS=1 lets a user who does have
the hub download a model they configured.
"""

from __future__ import annotations

import os

SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def ensure_offline() -> None:
    if os.environ.get("ROLEPLAY_ALLOW_DOWNLOADS") == "1":
        return
    for name in SWITCHES:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
