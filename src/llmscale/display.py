"""One display name per model, for chart labels and hover text.

Sources spell a model in many ways ("Qwen/Qwen3-32B", "llama-2-13b-hf", "google/flan-t5-small").
A chart shows one name, written one way whatever the source: the family as its makers write
it ("Llama 2", "Flan-T5", "GPT-J", "DeepSeek-V3"), then the size and tags as words
("Llama 3.1 405B", "Qwen3 0.6B Base", "Mistral Small 24B Base 2501"). A source's own
casing of a word is kept ("Qwen3-0.6B-Base" -> "Qwen3 0.6B Base"); an all-lowercase id is
cased as the makers write it ("llama-2-13b-hf" -> "Llama 2 13B"). A format suffix (``-hf``,
``-FP8``, ``-BF16``: the same weights) and a leading ``Meta-`` are dropped. Sizes, versions,
dates and post-training tags are kept; a long name is broken onto two lines at a space or
hyphen, never cut.
"""

from __future__ import annotations

import re

# How makers write a family when a source gives it in lower case: lower-case id prefix
# (followed by "-" or the end) -> display spelling. Longest prefix wins; a spelling that ends
# in "-" takes the next part without a space ("gpt-4o" -> "GPT-4o").
FAMILIES = {
    "llama-2": "Llama 2", "llama-3": "Llama 3", "llama-3.1": "Llama 3.1", "llama-3.2": "Llama 3.2",
    "llama-3.3": "Llama 3.3", "llama-4": "Llama 4", "llama": "LLaMA", "llama3": "Llama 3", "llama3.1": "Llama 3.1",
    "codellama": "Code Llama", "code-llama": "Code Llama",
    "flan-t5": "Flan-T5", "t5": "T5", "mt5": "mT5", "flan-ul2": "Flan-UL2", "ul2": "UL2",
    "gpt-j": "GPT-J", "gpt-neox": "GPT-NeoX", "gpt-neo": "GPT-Neo", "gpt2": "GPT-2", "gpt": "GPT-",
    "gpt-oss": "gpt-oss", "o1": "o1", "o3": "o3", "o4": "o4",
    "bloom": "BLOOM", "bloomz": "BLOOMZ", "opt": "OPT", "pythia": "Pythia", "falcon": "Falcon",
    "mistral": "Mistral", "mixtral": "Mixtral", "ministral": "Ministral", "codestral": "Codestral",
    "gemma": "Gemma", "gemma-2": "Gemma 2", "gemma-3": "Gemma 3", "gemma2": "Gemma 2", "gemini": "Gemini",
    "phi": "Phi", "qwen": "Qwen", "qwen2": "Qwen2", "qwen2.5": "Qwen2.5", "qwen3": "Qwen3", "qwq": "QwQ",
    "deepseek": "DeepSeek-", "deepseek-v2": "DeepSeek-V2", "deepseek-v3": "DeepSeek-V3", "deepseek-r1": "DeepSeek-R1",
    "deepseek-llm": "DeepSeek LLM", "deepseek-coder": "DeepSeek Coder", "deepseek-moe": "DeepSeek-MoE",
    "yi": "Yi", "olmo": "OLMo", "olmoe": "OLMoE", "starcoder": "StarCoder", "starcoder2": "StarCoder2",
    "starcoderbase": "StarCoderBase", "claude": "Claude", "dbrx": "DBRX", "glm": "GLM-", "chatglm": "ChatGLM",
    "internlm": "InternLM", "internlm2": "InternLM2", "smollm": "SmolLM", "smollm2": "SmolLM2",
    "amazon-nova": "Amazon Nova", "nova": "Nova", "command-r": "Command R", "aya": "Aya", "jamba": "Jamba",
    "dolly": "Dolly", "exaone": "EXAONE", "mpt": "MPT", "stablelm": "StableLM", "granite": "Granite", "nemotron": "Nemotron",
}
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([bmkt])(\d*)$", re.IGNORECASE)  # 7b, 1.5b, 560m, 7b1 (BLOOM)
_EXPERTS = re.compile(r"^(\d+)x(\d+(?:\.\d+)?)([bm])$", re.IGNORECASE)  # 8x7b
_ACRONYMS = {"moe", "it", "pt", "sft", "dpo", "rlhf", "gguf", "awq", "hf", "vl", "ft"}
_TAIL_DROP = re.compile(r"[-_](?:hf|fp8|bf16)$", re.IGNORECASE)  # a format of the same weights
_LEAD_DROP = re.compile(r"^meta-(?=llama)", re.IGNORECASE)  # "Meta-Llama-3.1-8B" is Llama 3.1 8B


def _word(tok: str) -> str:
    m = _SIZE.match(tok)
    if m:
        return m.group(1) + m.group(2).upper() + m.group(3)
    m = _EXPERTS.match(tok)
    if m:
        return f"{m.group(1)}x{m.group(2)}{m.group(3).upper()}"
    if tok.lower() in _ACRONYMS or re.fullmatch(r"\d+e", tok):  # 128e: the number of experts, as 16E
        return tok.upper()
    if re.fullmatch(r"v\d+(\.\d+)*", tok) or re.fullmatch(r"\d[\d.]*", tok):
        return tok  # a version stays as written
    if re.fullmatch(r"(xxl|xl|xs|xxs)", tok):
        return tok.upper()
    return tok[:1].upper() + tok[1:]


def _keep_case(tok: str) -> str:
    """A word a source wrote with capitals: as written, but for a size ("0.6b" -> "0.6B")."""
    if tok == tok.lower():
        return _word(tok)
    m = _SIZE.match(tok)
    return m.group(1) + m.group(2).upper() + m.group(3) if m else tok


def _from_parts(tail: str) -> str:
    """A hyphenated id tail as words: the family as its makers write it, then size and tags
    (cased as :func:`_word` does for a lower-case word, as written otherwise)."""
    toks = re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\1\0\2\0\3", tail).split("-")  # a date stays one part
    toks = [t.replace("\0", "-") for t in toks if t]
    for n in range(len(toks), 0, -1):
        head = "-".join(toks[:n]).lower()
        if head in FAMILIES:
            rest = toks[n:]
            break
    else:
        head, rest = None, toks
    # a version written with hyphens: claude-3-5-haiku -> Claude 3.5 Haiku, claude-opus-4-1 -> Claude Opus 4.1
    joined: list[str] = []
    for t in rest:
        if joined and re.fullmatch(r"\d", t) and re.fullmatch(r"\d(\.\d)*", joined[-1]):
            joined[-1] += "." + t
        else:
            joined.append(t)
    words = [_keep_case(t) for t in joined]
    if head is None:
        return " ".join(words)
    family = FAMILIES[head]
    if family.endswith("-") and words:
        return " ".join([family + words[0], *words[1:]])
    return " ".join([family.rstrip("-"), *words]).strip()


def display_name(name: str) -> str:
    """A chart's name for a model, from its id or any source's spelling of it.

    >>> display_name("Qwen/Qwen3-32B"), display_name("llama-2-13b-hf"), display_name("google/flan-t5-small")
    ('Qwen3 32B', 'Llama 2 13B', 'Flan-T5 Small')
    """
    s = str(name).strip()
    s = re.sub(r"\s+\([^)]*\)\**$", "", s)  # a trailing remark such as "(base)" or "(20241022)"
    if "/" in s and " " not in s.split("/")[0]:
        s = s.split("/", 1)[1]
    s = _LEAD_DROP.sub("", _TAIL_DROP.sub("", s))
    if re.search(r"[A-Za-z]", s) and " " not in s:
        return _from_parts(s)
    return s


def wrap(text: str, width: int = 22) -> str:
    """``text`` on two lines, broken at the last space or hyphen before ``width`` characters
    (a hyphen stays at the end of the first line), when it is longer than ``width``."""
    if len(text) <= width:
        return text
    cut = max(text.rfind(" ", 0, width + 1), text.rfind("-", 0, width))
    if cut <= 0:
        cut = min([i for i in (text.find(" ", width), text.find("-", width)) if i > 0], default=-1)
        if cut < 0:
            return text
    first, rest = (text[:cut], text[cut + 1:]) if text[cut] == " " else (text[:cut + 1], text[cut + 1:])
    return first + "\n" + rest


# Chance level of a multiple-choice benchmark: 100 / number of options per question.
# MMLU: four options (https://arxiv.org/abs/2009.03300); MMLU-Pro: ten
# (https://arxiv.org/abs/2406.01574); GPQA and its Diamond subset: four (https://arxiv.org/abs/2311.12022).
_OPTIONS = {"mmlu": 4, "mmlu_pro": 10, "gpqa": 4, "gpqa_diamond": 4}


def chance_level(benchmark: str) -> float | None:
    """The score (0-100) of guessing at random, where the benchmark has one."""
    n = _OPTIONS.get(benchmark)
    return None if n is None else 100 / n


def plain_setting(setting: str) -> str:
    """A setting label ("instruct, 0-shot, CoT") in words a reader knows:
    "instruction-tuned models, no examples in the prompt, chain of thought"."""
    words = []
    for part in (p.strip() for p in str(setting).split(",")):
        if part == "base":
            words.append("base (pre-trained) models")
        elif part == "instruct":
            words.append("instruction-tuned models")
        elif part == "variant not stated":
            words.append("base or tuned not stated")
        elif part == "shots not stated":
            words.append("prompt examples not stated")
        elif part == "CoT":
            words.append("chain of thought")
        elif part.endswith("-shot") and part[:-5].isdigit():
            n = int(part[:-5])
            words.append("no examples in the prompt" if n == 0 else f"{n} example{'s' if n != 1 else ''} in the prompt")
        else:
            words.append(part)
    return ", ".join(words)


def names_for(processed_dir, model_ids, fallback) -> list[str]:
    """One display name per model: from the model table's ``name`` (the highest-ranked
    source's spelling) where the id is there, else from ``fallback`` (e.g. a source's label)."""
    from pathlib import Path

    from .io import read_table
    from .tables import MODELS

    table = read_table(Path(processed_dir) / MODELS, usecols=["model_id", "name"], dtype=str)
    known = dict(zip(table["model_id"], table["name"].fillna(table["model_id"])))
    return [display_name(known.get(m) or f) for m, f in zip(model_ids, fallback)]
