"""Every figure's caption, alt text and credit, and the gallery page built from them.

A notebook that saves a figure also calls :func:`describe`, which writes
``data/processed/figures/<name>.json`` (caption, alt text, data credit, the notebook that
makes it). The last notebook reads them all and writes ``figures/README.md`` with
:func:`write_gallery`; the figure files' names never change once published.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .errors import DataError
from .io import atomic_write_text, write_json
from .tables import credit_line

FOLDER = "figures"
FIELDS = ("name", "title", "caption", "alt", "credit", "notebook", "finding")
CITATION = Path(__file__).resolve().parents[2] / "CITATION.cff"


def citation(path=CITATION) -> dict:
    """The repository URL, version, release date and authors from CITATION.cff: the one place
    that says where the figures are published. Links pin the release tag ``v<version>``, not
    the current commit, so the gallery does not change with every commit."""
    import yaml

    path = Path(path)
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, None, None, None, "a CITATION.cff at the repository root") from None
    for key in ("repository-code", "version", "date-released", "title", "authors"):
        if not cff.get(key):
            raise DataError(path, None, key, None, "a value (the gallery's links and citations use it)")
    repo = str(cff["repository-code"]).rstrip("/")
    authors = "; ".join(a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
                        for a in cff["authors"])
    return {"repo": repo, "version": str(cff["version"]), "tag": f"v{cff['version']}", "year": str(cff["date-released"])[:4],
            "title": str(cff["title"]).split(":")[0], "authors": authors}


def scatter_alt(points, x: str, y: str, label: str, what: str, x_unit: str = "B parameters", y_unit: str = "",
                chance: float | None = None) -> str:
    """Alt text of a size-vs-score scatter computed from its own points: how many, the range,
    the trend per tenfold size (OLS on log10 size, with Spearman's rho), the extremes, the
    smallest model within 5 points of the best, and how many sit at or below chance."""
    from scipy import stats

    d = points[[x, y, label]].dropna()
    if len(d) < 3:
        return f"{what}: {len(d)} models, too few to show a trend."
    logx = np.log10(d[x].astype(float))
    fit = stats.linregress(logx, d[y].astype(float))
    rho = stats.spearmanr(logx, d[y]).statistic
    top, low = d.loc[d[y].idxmax()], d.loc[d[y].idxmin()]
    near = d[d[y] >= top[y] - 5].sort_values(x).iloc[0]
    trend = ("rises" if fit.slope > 0 else "falls") + f" by {abs(fit.slope):.1f} points per tenfold size (Spearman rho {rho:.2f})"
    text = (f"{what}: {len(d)} models from {d[x].min():g}{x_unit[:1]} to {d[x].max():g}{x_unit[:1]}. The score {trend}. "
            f"Highest: {_name(top[label])} ({top[y]:.1f}{y_unit} at {top[x]:g}{x_unit[:1]}); lowest: {_name(low[label])} "
            f"({low[y]:.1f}{y_unit} at {low[x]:g}{x_unit[:1]}). Smallest within 5 points of the best: {_name(near[label])} "
            f"at {near[x]:g}{x_unit[:1]} ({near[y]:.1f}{y_unit}).")
    if chance is not None:
        at_chance = int((d[y] <= chance + 2).sum())
        text += f" {at_chance} of {len(d)} score within 2 points of chance ({chance:g}{y_unit}) or below."
    return text


def _name(label) -> str:
    from .display import display_name

    return display_name(str(label))


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


def cite_line(r: dict, cite: dict) -> str:
    """How to cite one figure: authors, year, its title, the release and its pinned URL, and the data credit."""
    url = f"{cite['repo']}/blob/{cite['tag']}/figures/{r['name']}.png"
    return (f"{cite['authors']} ({cite['year']}). {_one_line(r['title'])} [figure `{r['name']}`]. "
            f"{cite['title']} {cite['tag']}. {url}. {_one_line(r['credit'])}.")


def gallery_markdown(records: list[dict], figures_dir, cite: dict | None = None) -> str:
    """The gallery page: per figure its image, caption, alt text, credit, notebook, a line to
    cite it and an embed snippet with absolute URLs pinned to the release tag; files that are
    missing are reported, not linked."""
    cite = cite or citation()
    lines = ["# Figures", "",
             "Every chart of this repository, rebuilt by `make figures`. File names are stable: cite",
             "them freely. Each entry gives the caption, the alt text (for readers who cannot see the",
             "chart), the data credit to keep with the figure, and the notebook that draws it.",
             f"Links and embed snippets point at release {cite['tag']} of {cite['repo']}",
             "(`repository-code` and `version` in CITATION.cff), so they keep showing the same image.", ""]
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
        base = f"{cite['repo']}/raw/{cite['tag']}/figures"
        lines += [f"- **Cite this figure:** {cite_line(r, cite)}",
                  "- **Embed:**", "", "  ```markdown",
                  f"  ![{_one_line(r['alt'])}]({base}/{png})",
                  f"  *{_one_line(r['title'])}. {_one_line(r['credit'])}. [Source]({cite['repo']}/blob/{cite['tag']}/figures/README.md#{r['name'].replace('_', '-')}).*",
                  "  ```"]
    return "\n".join(lines) + "\n"


def write_gallery(processed_dir, figures_dir, citation_file=CITATION) -> Path:
    records = load(processed_dir)
    return atomic_write_text(Path(figures_dir) / "README.md",
                             gallery_markdown(records, figures_dir, citation(citation_file)))
