"""A Llama-family causal LM (a transformers folder, optionally with a PEFT LoRA merged in) written as one GGUF file:
the weights at a chosen precision, the tokenizer and the chat template. What the serving engine loads
(``llm_assets.core.generation``): one self-contained, hashable file per registered version.

Layout follows llama.cpp's converter (``convert_hf_to_gguf.py``), which is what GGUF readers expect: tensor names
``blk.N.attn_q`` ..., Q and K rows permuted to the rotary layout llama.cpp uses (readers permute them back), the
byte-level BPE vocabulary as ``tokenizer.ggml.tokens`` / ``merges`` / ``token_type``. Quantization uses the ``gguf``
package's reference implementations (Q8_0 / Q4_0 / Q4_1 blocks of 32 along each row); norms stay F32.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

# precision name -> (GGML tensor type of the matrices, llama.cpp's general.file_type)
PRECISIONS = {"f16": ("F16", 1), "q8_0": ("Q8_0", 7), "q4_0": ("Q4_0", 2), "q4_1": ("Q4_1", 3)}
SUPPORTED_MODEL_TYPES = ("llama",)
_TOKEN_NORMAL, _TOKEN_CONTROL, _TOKEN_USER_DEFINED = 1, 3, 4


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's Q/K row order: each head's two rotary halves interleaved (readers undo it)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _quantized(w: np.ndarray, kind: str):
    import gguf

    qtype = getattr(gguf.GGMLQuantizationType, kind)
    if kind == "F16":
        return w.astype(np.float16), None
    if w.shape[-1] % 32:
        return w.astype(np.float16), None  # rows that do not split into blocks stay F16
    return gguf.quants.quantize(w.astype(np.float32), qtype), qtype


def _vocabulary(tokenizer_dir: Path) -> dict:
    """Byte-level BPE tokens, merges and token types from a fast tokenizer's tokenizer.json."""
    spec = json.loads((tokenizer_dir / "tokenizer.json").read_text(encoding="utf-8"))
    model = spec["model"]
    if model.get("type") != "BPE":
        raise ValueError(f"only byte-level BPE tokenizers can be written to GGUF here, not {model.get('type')}")
    vocab = dict(model["vocab"])
    added = {t["content"]: t for t in spec.get("added_tokens", [])}
    for t in added.values():
        vocab.setdefault(t["content"], t["id"])
    size = max(vocab.values()) + 1
    tokens = [f"[PAD{i}]" for i in range(size)]
    types = [_TOKEN_USER_DEFINED] * size
    for text, i in vocab.items():
        tokens[i] = text
        types[i] = _TOKEN_NORMAL
    for t in added.values():
        types[t["id"]] = _TOKEN_CONTROL if t.get("special") else _TOKEN_USER_DEFINED
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    return {"tokens": tokens, "types": types, "merges": merges}


def _add_architecture(writer, config, head_dim: int, rope_theta: float) -> None:
    """The Llama hyper-parameters GGUF readers need to build the graph."""
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_freq_base(rope_theta)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_vocab_size(config.vocab_size)


def _add_tokenizer(writer, model_dir: Path, tokenizer) -> None:
    """The byte-level BPE vocabulary, the special tokens and the chat template, as GGUF readers expect them."""
    vocab = _vocabulary(model_dir)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(vocab["tokens"])
    writer.add_token_types(vocab["types"])
    writer.add_token_merges(vocab["merges"])
    for setter, token_id in (
        (writer.add_bos_token_id, tokenizer.bos_token_id),
        (writer.add_eos_token_id, tokenizer.eos_token_id),
        (writer.add_unk_token_id, tokenizer.unk_token_id),
        (writer.add_pad_token_id, tokenizer.pad_token_id if tokenizer.pad_token_id is not None else None),
    ):
        if token_id is not None:
            setter(int(token_id))
    writer.add_add_bos_token(False)
    if tokenizer.chat_template:
        writer.add_chat_template(tokenizer.chat_template)


def write_gguf(
    model_dir: str | os.PathLike,
    out_path: str | os.PathLike,
    precision: str = "q8_0",
    adapter_dir: str | os.PathLike | None = None,
    name: str = "",
) -> Path:
    """Writes ``model_dir`` (with the LoRA in ``adapter_dir`` merged into its weights, if given) as a GGUF file at
    ``precision`` (``PRECISIONS``); returns the path. The file is written beside and renamed into place."""
    import gguf
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    model_dir, out_path = Path(model_dir), Path(out_path)
    config = AutoConfig.from_pretrained(model_dir, local_files_only=True)
    if config.model_type not in SUPPORTED_MODEL_TYPES:
        raise ValueError(f"GGUF export supports {SUPPORTED_MODEL_TYPES}, not {config.model_type}")
    model = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True, dtype=torch.float32)
    if adapter_dir is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    state = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)

    kind, file_type = PRECISIONS[precision]
    n_head, n_kv = config.num_attention_heads, config.num_key_value_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // n_head
    rope = getattr(config, "rope_parameters", None) or {}
    rope_theta = float(rope.get("rope_theta") or getattr(config, "rope_theta", 10000.0))

    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    writer = gguf.GGUFWriter(str(tmp), "llama")
    writer.add_name(name or model_dir.name)
    writer.add_file_type(file_type)
    _add_architecture(writer, config, head_dim, rope_theta)

    _add_tokenizer(writer, model_dir, tokenizer)

    def matrix(gguf_name: str, w: np.ndarray) -> None:
        data, qtype = _quantized(w, kind)
        writer.add_tensor(gguf_name, data, raw_dtype=qtype) if qtype is not None else writer.add_tensor(gguf_name, data)

    # the embedding table keeps 8 bits at most (it is also the tied output layer)
    embed = state["model.embed_tokens.weight"]
    embed_kind = "F16" if kind == "F16" else "Q8_0"
    data, qtype = _quantized(embed, embed_kind)
    writer.add_tensor("token_embd.weight", data, raw_dtype=qtype) if qtype else writer.add_tensor(
        "token_embd.weight", data
    )
    writer.add_tensor("output_norm.weight", state["model.norm.weight"].astype(np.float32))
    if not getattr(config, "tie_word_embeddings", False) and "lm_head.weight" in state:
        matrix("output.weight", state["lm_head.weight"])
    for i in range(config.num_hidden_layers):
        p = f"model.layers.{i}."
        writer.add_tensor(f"blk.{i}.attn_norm.weight", state[p + "input_layernorm.weight"].astype(np.float32))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", state[p + "post_attention_layernorm.weight"].astype(np.float32))
        matrix(f"blk.{i}.attn_q.weight", _permute(state[p + "self_attn.q_proj.weight"], n_head))
        matrix(f"blk.{i}.attn_k.weight", _permute(state[p + "self_attn.k_proj.weight"], n_kv))
        matrix(f"blk.{i}.attn_v.weight", state[p + "self_attn.v_proj.weight"])
        matrix(f"blk.{i}.attn_output.weight", state[p + "self_attn.o_proj.weight"])
        matrix(f"blk.{i}.ffn_gate.weight", state[p + "mlp.gate_proj.weight"])
        matrix(f"blk.{i}.ffn_up.weight", state[p + "mlp.up_proj.weight"])
        matrix(f"blk.{i}.ffn_down.weight", state[p + "mlp.down_proj.weight"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(out_path)
    return out_path


# Bumped whenever the writer changes what it writes: part of every exported file's cache key.
EXPORT_VERSION = "1"


def export_key(base_dir: str, adapter_dir: str | None, precision: str) -> str | None:
    """What an exported file is a function of: the base weights' and the adapter's content digests, the precision
    and the writer's version. None when the base is not a local folder (a hub id: export from its cache folder)."""
    import hashlib

    from llm_assets.core.answer_cache import adapter_digest, weights_digest

    base = weights_digest(base_dir)
    adapter = adapter_digest(adapter_dir) if adapter_dir else ""
    if base is None or adapter is None:
        return None
    payload = json.dumps([EXPORT_VERSION, base, adapter, precision])
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def exported_model(base_dir: str, adapter_dir: str | None, precision: str, cache_root: str | os.PathLike) -> Path:
    """The GGUF file of the base model (with the adapter merged in, if given) at ``precision``: written once under
    ``cache_root/gguf/`` and found again by content (a candidate exported by ``lora_adapter`` is what its evaluation,
    its fairness probe and, later, drift and serving load). Safe against concurrent callers."""
    import fcntl

    key = export_key(base_dir, adapter_dir, precision)
    folder = Path(cache_root) / "gguf"
    folder.mkdir(parents=True, exist_ok=True)
    if key is None:  # not content-addressable: written fresh
        import tempfile

        return write_gguf(base_dir, Path(tempfile.mkdtemp(dir=folder)) / "model.gguf", precision, adapter_dir)
    path = folder / f"{key}-{precision}.gguf"
    if path.exists():
        return path
    with open(folder / f".{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            write_gguf(base_dir, path, precision, adapter_dir)
    return path


def load_engine(
    engine: str,
    base_model,
    adapter_dir: str | None = None,
    *,
    precision: str = "",
    threads: int = 0,
    batch_size: int = 8,
    torch_precision: str = "auto",
    prefix_caching: bool = True,
    model=None,
):
    """The generation engine for the base model (``adapter_dir``: with that LoRA merged in), as configured:
    ``transformers`` (the torch model, ``model`` if already loaded) or ``openvino`` (its GGUF export, written on
    first use)."""
    from llm_assets.core.generation import DEFAULT_PRECISION, ENGINES, OpenVINOEngine, TransformersEngine

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    tokenizer = base_model.load_tokenizer()
    if engine == "transformers":
        from llm_assets.core.lm import pick_device_and_dtype
        from llm_assets.core.models import load_adapter_model

        device, dtype = pick_device_and_dtype(torch_precision)
        if model is None:
            model = load_adapter_model(base_model, adapter_dir) if adapter_dir else base_model.load_model()
        model.to(device)
        return TransformersEngine(model, tokenizer, batch_size, device, dtype)
    precision = precision or DEFAULT_PRECISION
    path = exported_model(base_model.local_path(), adapter_dir, precision, base_model.cache_dir)
    return OpenVINOEngine(str(path), tokenizer, threads=threads, prefix_caching=prefix_caching, precision=precision)
