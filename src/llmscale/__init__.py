"""llmscale: language-model size versus benchmark scores, rebuilt from raw data.

``llmscale.load("models")`` returns a processed table typed by the data dictionary (see
:mod:`llmscale.api`); ``python -m llmscale --help`` lists the command-line tasks.
"""

__version__ = "0.1.0"


def load(name: str, processed_dir=None):
    """A table of ``data/processed`` ("models", "scores", ...) with typed columns: counts as
    nullable Int64, flags as boolean, dates as datetime64 (:func:`llmscale.api.load`)."""
    import importlib

    # imported when called, so that importing the package stays light for every notebook
    return importlib.import_module(".api", __name__).load(name, processed_dir)
