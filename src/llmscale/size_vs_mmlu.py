"""03_size_vs_mmlu: the points of the seed chart and the efficient frontier of each class."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema
from .frontier import frontier_table
from .io import read_table
from .settings import headline_setting, plain_setting
from .tables import AS_PUBLISHED, FRONTIER, SCORES, SOURCE_MODELS


def points(processed_dir) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points of the two seed charts, and the rows each one leaves out with the reason.

    ``as published``: every cjtrowbridge row with both a size and an MMLU score, exactly as
    the file states them. ``Epoch``: open-weight models in Epoch's table with a total
    parameter count and an MMLU score (closed models' sizes there are estimates).
    """
    pub = read_table(Path(processed_dir) / AS_PUBLISHED).rename(columns={"mmlu": "score"})
    pub["label"] = pub["source_name"]
    pub["dataset"] = "as published"
    pub["reason"] = None
    pub.loc[pub["score"].isna(), "reason"] = "no MMLU score"
    pub.loc[pub["total_params_b"].isna(), "reason"] = "no parameter count"

    models = read_table(Path(processed_dir) / SOURCE_MODELS, dtype={"source_row": str})
    scores = read_table(Path(processed_dir) / SCORES, dtype={"source_row": str})
    ep = models[models["source"] == "epoch-open-model-trends"]
    mm = scores[(scores["source"] == "epoch-open-model-trends") & (scores["benchmark"] == "mmlu")]
    ep = ep.merge(mm[["source_row", "value"]].rename(columns={"value": "score"}), on="source_row", how="left")
    ep["label"] = ep["source_name"]
    ep["dataset"] = "Epoch"
    ep["reason"] = None
    ep.loc[ep["score"].isna(), "reason"] = "no MMLU score"
    ep.loc[ep["total_params_b"].isna() & ep["active_params_b"].notna(), "reason"] = "only an active count; total unknown here"
    ep.loc[ep["total_params_b"].isna() & ep["active_params_b"].isna(), "reason"] = "no parameter count"
    ep.loc[ep["weights"] == "closed", "reason"] = "closed weights: size is an estimate"

    cols = ["dataset", "model_id", "label", "total_params_b", "score", "reason"]
    both = pd.concat([pub[cols], ep[cols]], ignore_index=True)
    return both[both["reason"].isna()].drop(columns="reason"), both[both["reason"].notna()]


def headline_points(processed_dir, benchmarks) -> pd.DataFrame:
    """The rows behind :func:`ours`: for each benchmark, the open-weight models of known total
    size in its headline setting (:func:`~llmscale.settings.headline_setting`: the stated
    setting with the most such models), one score per model (the highest-ranked source's),
    with the source and source row of each score (:func:`llmscale.predict_params.frames`)."""
    from .predict_params import frames

    data = frames(processed_dir, benchmarks)
    data = data[data["label"]]
    scores = read_table(Path(processed_dir) / SCORES, dtype={"source_row": str})
    scores = scores[scores["model_id"].isin(set(data["model_id"]))]
    parts = [data[(data["benchmark"] == bench) & (data["setting"] == headline_setting(scores, bench))] for bench in benchmarks]
    return pd.concat(parts, ignore_index=True) if parts else data.iloc[:0]


def ours(processed_dir, benchmarks) -> pd.DataFrame:
    """Our model table's points: for each benchmark, its headline setting, one score per model
    (:func:`headline_points`). The dataset is named "<benchmark> · <setting in plain words>"."""
    data = headline_points(processed_dir, benchmarks)
    parts = []
    for (bench, setting), g in data.groupby(["benchmark", "setting"], sort=False):
        parts.append(pd.DataFrame({"dataset": f"{bench} · {plain_setting(setting)}", "model_id": g["model_id"],
                                   "label": g["name"].fillna(g["model_id"]), "total_params_b": g["total_params_b"],
                                   "score": g["score"]}))
    if not parts:
        return pd.DataFrame(columns=["dataset", "model_id", "label", "total_params_b", "score"])
    return pd.concat(parts, ignore_index=True)


def frontier(points: pd.DataFrame, class_edges_b) -> pd.DataFrame:
    out = frontier_table(points, class_edges_b)[["dataset", "model_id", "label", "total_params_b", "score", "size_class", "on_frontier"]]
    return schema.validate(out, schema.FRONTIER, FRONTIER, row_col=None)
