"""``python -m llmscale``: the common tasks from a shell.

- ``build [TARGET ...]``: run ``make`` (default ``figures``) at the repository's root;
- ``predict BENCHMARK SCORE [--setting S] [--level L]``: total parameters predicted from a
  score, with its interval and the fit it came from (:func:`llmscale.fit.predict_total_params`);
- ``explain MODEL FACT_OR_BENCHMARK``: a number of the model table, or a model's scores on a
  benchmark, with the reference behind each and the raw file, commit and row it came from;
- ``tables``: the tables :func:`llmscale.load` reads.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _build(args) -> int:
    return subprocess.run(["make", *(args.targets or ["figures"])], cwd=ROOT).returncode


def _predict(args) -> int:
    from .fit import predict_total_params

    processed = Path(args.processed) if args.processed else ROOT / "data" / "processed"
    p = predict_total_params(args.benchmark, args.score, setting=args.setting, level=args.level,
                             path=processed / "param_fits.json")
    fields = dataclasses.asdict(p) if dataclasses.is_dataclass(p) else dict(vars(p))
    print(f"{fields.pop('estimate_b'):.3g}B total parameters "
          f"({fields.get('level', args.level):.0%} interval {fields.pop('low_b'):.3g}B to {fields.pop('high_b'):.3g}B)")
    for k, v in fields.items():
        print(f"  {k}: {v}")
    return 0


def _explain(args) -> int:
    from .api import explain

    print("\n".join(explain(args.model, args.item, processed_dir=args.processed)))
    return 0


def _tables(args) -> int:
    from .api import tables

    print("\n".join(tables(args.processed)))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m llmscale", description="llmscale's common tasks.")
    ap.add_argument("--processed", help="the processed tables' folder (default: the repository's data/processed)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="run make (default target: figures) at the repository's root")
    b.add_argument("targets", nargs="*")
    b.set_defaults(run=_build)
    p = sub.add_parser("predict", help="total parameters predicted from a benchmark score")
    p.add_argument("benchmark")
    p.add_argument("score", type=float)
    p.add_argument("--setting", help='e.g. "instruct, 0-shot, CoT" (needed when the benchmark has fits in several)')
    p.add_argument("--level", type=float, default=0.90, help="prediction interval level (default 0.90)")
    p.set_defaults(run=_predict)
    e = sub.add_parser("explain", help="where a number comes from: a fact of models.csv or a model's scores")
    e.add_argument("model", help="model_id, e.g. mistralai/mistral-7b-v0.1")
    e.add_argument("item", help="a column of models.csv (total_params_b, release_date, ...) or a benchmark (mmlu, ...)")
    e.set_defaults(run=_explain)
    t = sub.add_parser("tables", help="the tables llmscale.load reads")
    t.set_defaults(run=_tables)
    args = ap.parse_args(argv)
    try:
        return args.run(args)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"python -m llmscale {args.cmd}: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
