"""One way to turn a prompt into model input, shared by training, evaluation and serving.

Training and evaluation must format identically, or the evaluation measures a different task than was learned. The
served model carries this file in its MLflow code paths: it imports only the standard library.
"""

from __future__ import annotations

import re

SYSTEM_PROMPT = "You are a customer support agent for a parcel delivery and online retail company."
_FALLBACK_TURN = "### {role}\n{content}\n"


def format_prompt(instruction: str, prompt_template: str, values: dict[str, str]) -> str:
    """One prompt: the instruction, a blank line, the template filled with the document's fields. Training, evaluation
    and the served model (which reads both strings from its model config) build prompts only here."""
    return f"{instruction}\n\n{prompt_template.format_map(values)}".strip()


def chat_prompt(tokenizer, prompt: str, shots: tuple[tuple[str, str], ...] = ()) -> str:
    """The text the model sees before it starts writing its answer. ``shots``: solved (prompt, completion) examples
    shown first as earlier turns of the conversation (in-context learning, for the few-shot baseline)."""
    turns = [m for p, c in shots for m in ({"role": "user", "content": p}, {"role": "assistant", "content": c})]
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *turns, {"role": "user", "content": prompt}]
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return "".join(_FALLBACK_TURN.format(role=m["role"].title(), content=m["content"]) for m in messages) + (
        "### Assistant\n"
    )


def encode_example(
    tokenizer, prompt: str, completion: str, max_length: int, shots: tuple[tuple[str, str], ...] = ()
) -> tuple[list[int], list[int]] | None:
    """input_ids and labels (prompt positions masked with -100: the loss is on completion tokens only).

    None when the prompt alone leaves no room for a completion within ``max_length``.
    """
    prompt_ids = tokenizer(chat_prompt(tokenizer, prompt, shots), add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer(completion, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    if len(prompt_ids) + 8 > max_length:
        return None
    completion_ids = completion_ids[: max_length - len(prompt_ids)]
    return prompt_ids + completion_ids, [-100] * len(prompt_ids) + completion_ids


# the category is the rest of its line: a model may write "Shipment Status", "<refund>" or "**Refund**."
_CATEGORY = re.compile(r"category\s*\**\s*[:=-]\s*([^\n]*)", re.IGNORECASE)
_REPLY = re.compile(r"reply\s*\**\s*[:=-]\s*\**\s*", re.IGNORECASE)


def normalize_category(value: str) -> str:
    """A label as the corpus spells labels: lower case, words joined by underscores, no markup or punctuation."""
    return re.sub(r"[^0-9a-z]+", "_", value.lower()).strip("_")[:64]


def parse_completion(text: str) -> tuple[str, str]:
    """(category, reply) from a generated or reference completion; missing parts are ''."""
    m = _CATEGORY.search(text)
    category = ""
    if m:
        value = m.group(1)
        same_line_reply = _REPLY.search(value)
        category = normalize_category(value[: same_line_reply.start()] if same_line_reply else value)
    r = _REPLY.search(text)
    reply = text[r.end() :] if r else (_CATEGORY.sub("", text, count=1) if m else text)
    return category, reply.strip()


def completion_label(completion: str) -> str:
    """The label a completion names on its ``Category:`` line, normalized; '' without one."""
    category, _ = parse_completion(completion)
    return normalize_category(category) if category else ""
