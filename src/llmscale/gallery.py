"""Every figure's caption, alt text and credit, and the gallery page built from them.

A notebook that saves a figure also calls :func:`describe`, which writes
``data/processed/figures/<name>.json`` (caption, alt text, data credit, the notebook that
makes it). The last notebook reads them all and writes ``figures/README.md`` with
:func:`write_gallery`; the figure files' names never change once published.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import DataError
from .io import atomic_write_text, write_json
from .tables import credit_line

FOLDER = "figures"
FIELDS = ("name", "title", "caption", "alt", "credit", "notebook", "finding")


def describe(processed_dir, name: str, *, title: str, caption: str, alt: str, sources: list[str], notebook: str,
             finding: str = "") -> Path:
    """Record a figure's description; ``alt`` should say what the chart shows (trend, extremes,
    notable points) for a reader who cannot see it. The credit comes from ``sources``."""
    for field, text in (("title", title), ("caption", caption), ("alt", alt)):
        if not str(text).strip():
            raise ValueError(f"figure {name!r}: an empty {field}")
    record = {"name": name, "title": title, "caption": caption, "alt": alt,
              "credit": credit_line(processed_dir, sources), "notebook": notebook, "finding": finding}
    path = Path(processed_dir) / FOLDER / f"{name}.json"
    return write_json(path, record)


def load(processed_dir) -> list[dict]:
    """Every recorded figure, ordered by notebook then name."""
    out = []
    for path in sorted((Path(processed_dir) / FOLDER).glob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(path, f"line {exc.lineno}", None, None, "valid JSON") from None
        missing = [f for f in FIELDS if f not in rec]
        if missing:
            raise DataError(path, None, missing[0], None, f"the fields {FIELDS}")
        out.append(rec)
    return sorted(out, key=lambda r: (r["notebook"], r["name"]))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def gallery_markdown(records: list[dict], figures_dir) -> str:
    """The gallery page: per figure its image, caption, alt text, credit, notebook and an
    embed snippet; files that are missing are reported, not linked."""
    lines = ["# Figures", "",
             "Every chart of this repository, rebuilt by `make figures`. File names are stable: cite",
             "them freely. Each entry gives the caption, the alt text (for readers who cannot see the",
             "chart), the data credit to keep with the figure, and the notebook that draws it.", ""]
    lines += [f"- [{_one_line(r['title'])}](#{r['name'].replace('_', '-')})" for r in records]
    for r in records:
        png, svg = f"{r['name']}.png", f"{r['name']}.svg"
        missing = [f for f in (png, svg) if not (Path(figures_dir) / f).exists()]
        lines += ["", f"## {r['name'].replace('_', '-')}", "", f"**{_one_line(r['title'])}**", ""]
        if missing:
            lines += [f"*Not drawn in this build: {', '.join(missing)} missing.*", ""]
        else:
            lines += [f"![{_one_line(r['alt'])}]({png})", ""]
        lines += [f"{_one_line(r['caption'])}", "",
                  f"- **Alt text:** {_one_line(r['alt'])}",
                  f"- **Credit:** {_one_line(r['credit'])}",
                  f"- **Made by:** [`notebooks/{r['notebook']}.ipynb`](../notebooks/{r['notebook']}.ipynb)",
                  f"- **Files:** [{png}]({png}) · [{svg}]({svg})"]
        if r["finding"]:
            lines.append(f"- **Finding:** [{_one_line(r['finding'])}](../FINDINGS.md)")
        lines += ["- **Embed:**", "", "  ```markdown",
                  f"  ![{_one_line(r['alt'])}](figures/{png})",
                  f"  *{_one_line(r['title'])}. {_one_line(r['credit'])}.*", "  ```"]
    return "\n".join(lines) + "\n"


def write_gallery(processed_dir, figures_dir) -> Path:
    records = load(processed_dir)
    return atomic_write_text(Path(figures_dir) / "README.md", gallery_markdown(records, figures_dir))
