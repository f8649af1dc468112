# llmscale: every figure rebuilt from data/raw by numbered notebooks run with papermill.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help
# No .DELETE_ON_ERROR: a failed notebook must not delete the outputs it never wrote (tables are
# written atomically, so each is either the previous version or a complete new one). Each
# notebook's executed copy build/<notebook>.ipynb is its stamp, made only when every cell ran:
# a failed or killed run leaves none, so the notebook runs again next time.

# Independent notebooks run side by side (JOBS=1 for one at a time); each notebook prints one
# line as it starts and one as it ends, each written whole.
JOBS ?= 2
TEST_JOBS ?= 2
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter-out 0,$(MAKELEVEL)),)
MAKEFLAGS += -j$(JOBS)
endif

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV_VERSION := $(shell sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements.lock)
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
export MPLBACKEND := Agg

RAW := data/raw
INTERIM := data/interim
PROCESSED := data/processed
FIG := figures
RUN := $(PY) -m llmscale.chain run
START := $(shell date +%s.%N)

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# What Make compares of a notebook: its cells' sources and tags (build/nbsrc/<name>.json,
# rewritten only when they change), so that running or saving a notebook in JupyterLab,
# which writes outputs, a kernel name and widget state into it, reruns nothing. The recipe
# line runs under `make -t` and `-n` too (+), so it never looks out of date. NB is the
# notebook itself, for the recipe.
NBSRC := build/nbsrc
NB = notebooks/$(basename $(notdir $<)).ipynb
$(NBSRC)/%.json: notebooks/%.ipynb
	+@$(PYTHON) src/llmscale/nbdeps.py --source $< $@
PKG_SRC := $(sort $(wildcard src/llmscale/*.py src/llmscale/*/*.py))

# Which package files each notebook imports (DEPS_<notebook>), so that a change to a
# module reruns exactly the notebooks that use it.
ifeq ($(filter help clean distclean,$(MAKECMDGOALS)),)
-include build/nbdeps.mk
endif
build/nbdeps.mk: $(NOTEBOOKS) $(PKG_SRC)
	@mkdir -p $(@D)
	@$(PYTHON) src/llmscale/nbdeps.py $(NOTEBOOKS) > $@.tmp && mv $@.tmp $@

# ---- the environment ------------------------------------------------------------------

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) --require-hashes requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	@$(PY) -m ipykernel install --sys-prefix --name llmscale --display-name "Python 3 (llmscale)" >/dev/null
	@$(MAKE) --no-print-directory git-filter
	@touch $@

# Notebooks are committed without outputs however they were saved: git runs nbstripout on
# every notebook it stores (.gitattributes: filter=nbstripout), and diffs them stripped. The
# commands are relative to the repository's top, where git runs filters, so the config
# names no machine's path; outside a git checkout there is nothing to set.
# What JupyterLab adds on saving besides outputs: the language's details under language_info.
NBSTRIP := $(VENV)/bin/python -m nbstripout --extra-keys "$(addprefix metadata.language_info.,codemirror_mode \
	file_extension mimetype nbconvert_exporter pygments_lexer version)"
.PHONY: git-filter
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ "$$(git rev-parse --show-toplevel)" = "$(CURDIR)" ]; then \
	  git config filter.nbstripout.clean '$(NBSTRIP)'; \
	  git config filter.nbstripout.smudge cat; \
	  git config diff.ipynb.textconv '$(NBSTRIP) -t'; \
	fi

.PHONY: venv
venv: $(STAMP) ## Create .venv from requirements.lock (only when missing or older than the lock)

.PHONY: lock
lock: $(STAMP) ## Re-resolve requirements.in into requirements.lock (exact pins with hashes)
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements.in -o requirements.lock

# ---- the chain ------------------------------------------------------------------------

# The raw files (or folders) each reader in llmscale.sources reads, as <source>/<path>; a
# test keeps this list in step with the readers' FILES.
RAW_READ := artificial-analysis/data/2026-04-09/llms.json artificial-analysis/data/2026-06-15/llms.json \
	artificial-analysis/data/2026-07-10/llms.json cjtrowbridge/ai/mmlu-params/data.csv \
	epoch-aa-prices/data/aa_data_with_math5.csv epoch-aa-prices/data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv \
	epoch-benchmarking-hub/data/external_benchmark_mmlu.csv epoch-benchmarking-hub/data/model_versions.csv \
	epoch-hub-2026/benchmark_data/epoch_capabilities_index.csv epoch-hub-2026/benchmark_data/gpqa_diamond.csv \
	epoch-hub-2026/benchmark_data/simpleqa_verified.csv \
	epoch-notable-models/data/notable_ai_models_24_02_2025.csv \
	epoch-open-model-trends/data/benchmarks_with_model_accessibility.csv \
	llm-prices/data llm-stats/data/organizations \
	obsscaling/eval_results/base_llm_benchmark_eval.csv obsscaling/eval_results/base_llm_leaderboard_v2_eval.csv \
	obsscaling/eval_results/instruct_llm_benchmark_eval.csv \
	open-llm-leaderboard/data/open_llm_official.csv \
	reported-scores/data/metadata.csv reported-scores/data/open_metadata.csv \
	swallow/_data/model.yml swallow/_data/task_post.yml swallow/_data/task_pre.yml
# The dated folders `make refresh` writes that a reader also reads (its REFRESHED pattern).
RAW_DATED := artificial-analysis@*/models.json
SOURCES_READ := $(sort $(foreach f,$(RAW_READ),$(firstword $(subst /, ,$(f)))))
# The files on disk under those paths (a new, unlisted file reruns 01_ingest, which refuses it)
# and the files the manifest lists under them (a deleted one stops make with its name).
RAW_01 := $(RAW)/MANIFEST.csv $(sort $(shell find $(addprefix $(RAW)/,$(RAW_READ)) -type f ! -name '* *' 2>/dev/null) \
	$(wildcard $(addprefix $(RAW)/,$(RAW_DATED))) \
	$(shell $(PYTHON) src/llmscale/nbdeps.py --listed $(RAW)/MANIFEST.csv $(RAW_READ) '$(RAW_DATED)'))  # make cannot name files with spaces
OUT_01 := $(foreach s,$(SOURCES_READ),$(INTERIM)/$(s).csv) build/01_ingest.ipynb

RAW_02 := $(RAW)/MANIFEST.csv $(addprefix $(RAW)/curated/,corrections.csv aliases.csv model_ids.csv models.csv makers.csv scores.csv)
OUT_02 := $(addprefix $(PROCESSED)/,source_models.csv scores.csv models.csv conflicts.csv unmatched.csv size_flags.csv \
	as_published_cjtrowbridge.csv sources.csv dictionary.csv prices.csv) build/02_clean.ipynb

# A figure is its SVG, its PNG and its description (caption, alt text, credit) for the gallery.
figs = $(foreach s,$(1),$(FIG)/$(s).svg $(FIG)/$(s).png $(PROCESSED)/figures/$(s).json)

FIGS_03 := $(call figs,size_vs_mmlu_as_published size_vs_mmlu_epoch size_vs_mmlu size_vs_mmlu_pro size_vs_gpqa)
OUT_03 := $(PROCESSED)/size_vs_mmlu_frontier.csv $(FIGS_03) $(FIG)/explorer.html build/03_size_vs_mmlu.ipynb

$(OUT_01) &: $(NBSRC)/01_ingest.json $(RAW_01) $(DEPS_01_ingest) $(STAMP)
	@$(RUN) $(NB)

$(OUT_02) &: $(NBSRC)/02_clean.json $(OUT_01) $(RAW_02) $(DEPS_02_clean) $(STAMP)
	@$(RUN) $(NB)

$(OUT_03) &: $(NBSRC)/03_size_vs_mmlu.json $(OUT_02) $(DEPS_03_size_vs_mmlu) $(STAMP)
	@$(RUN) $(NB)

FIGS_04 := $(call figs,over_time_staircase over_time_halving over_time_sensitivity)
OUT_04 := $(PROCESSED)/over_time_steps.csv $(PROCESSED)/over_time_halving.csv $(PROCESSED)/over_time_sensitivity.csv $(FIGS_04) \
	build/04_over_time.ipynb

$(OUT_04) &: $(NBSRC)/04_over_time.json $(OUT_02) $(DEPS_04_over_time) $(STAMP)
	@$(RUN) $(NB)

FIGS_05 := $(call figs,predict_params_mmlu predict_params_mmlu_pro predict_params_gpqa_diamond predict_params_closed_forest)
OUT_05 := $(addprefix $(PROCESSED)/,predict_metrics.csv predict_vs_published.csv predict_closed.csv predict_external.csv param_fits.json) \
	$(FIGS_05) build/05_predict_params.ipynb

$(OUT_05) &: $(NBSRC)/05_predict_params.json $(OUT_02) $(DEPS_05_predict_params) $(STAMP)
	@$(RUN) $(NB)

FIGS_06 := $(call figs,dense_vs_moe)
OUT_06 := $(PROCESSED)/dense_vs_moe.csv $(FIGS_06) build/06_dense_vs_moe.ipynb

$(OUT_06) &: $(NBSRC)/06_dense_vs_moe.json $(OUT_02) $(DEPS_06_dense_vs_moe) $(STAMP)
	@$(RUN) $(NB)

FIGS_07 := $(call figs,non_embedding)
OUT_07 := $(PROCESSED)/non_embedding.csv $(FIGS_07) build/07_non_embedding.ipynb

$(OUT_07) &: $(NBSRC)/07_non_embedding.json $(OUT_02) $(DEPS_07_non_embedding) $(STAMP)
	@$(RUN) $(NB)

# The post's benchmarks on Artificial Analysis' own runs, beside the post's published numbers
# (a curated table with the post's URL and quoted rows).
FIGS_10 := $(call figs,post_omniscience_vs_params post_fit_quality)
OUT_10 := $(addprefix $(PROCESSED)/,post_side_by_side.csv post_closed.csv) $(FIGS_10) build/10_post_benchmarks.ipynb

$(OUT_10) &: $(NBSRC)/10_post_benchmarks.json $(OUT_02) $(RAW)/curated/post_published.csv $(DEPS_10_post_benchmarks) \
		$(STAMP)
	@$(RUN) $(NB)

# The claims are checked against the model table and the analyses' result tables.
OUT_08 := $(PROCESSED)/claims.csv build/08_claims.ipynb

$(OUT_08) &: $(NBSRC)/08_claims.json $(RAW)/curated/claims.yaml $(OUT_02) $(OUT_03) $(OUT_04) $(OUT_05) $(OUT_06) \
		$(OUT_10) $(DEPS_08_claims) $(STAMP)
	@$(RUN) $(NB)

# The write-up and the gallery come last: they read every analysis' outputs.
OUT_09 := FINDINGS.md $(FIG)/README.md build/09_writeup.ipynb

$(OUT_09) &: $(NBSRC)/09_writeup.json templates/FINDINGS.md.in $(OUT_03) $(OUT_04) $(OUT_05) $(OUT_06) $(OUT_07) \
		$(OUT_08) $(OUT_10) $(DEPS_09_writeup) $(STAMP)
	@$(RUN) $(NB)

FIGURES := $(FIGS_03) $(FIGS_04) $(FIGS_05) $(FIGS_06) $(FIGS_07) $(FIGS_10)
OUTPUTS := $(filter-out build/%,$(OUT_01) $(OUT_02) $(OUT_03) $(OUT_04) $(OUT_05) $(OUT_06) $(OUT_07) $(OUT_10) $(OUT_08) $(OUT_09))
.PRECIOUS: $(OUTPUTS)  # an interrupted run keeps them too

# A raw file that is listed (or a curated file that is read) but missing: say which.
$(RAW)/%:
	@echo "✗ $@: missing; the chain reads it (it is listed in $(RAW)/MANIFEST.csv or read by 02_clean)." \
		"Raw files are never deleted: restore it (git checkout -- '$@'), or remove its manifest row with the source's files" >&2
	@exit 1

# Temporary files an interrupted write left behind (hidden .<name>.<random>.tmp) are swept
# before a build starts.
ifneq ($(filter figures data,$(MAKECMDGOALS)),)
SWEPT := $(shell find $(INTERIM) $(PROCESSED) $(FIG) -maxdepth 2 -name '.*.tmp' -type f -print -delete 2>/dev/null)
$(if $(SWEPT),$(info swept temporary files left by an interrupted run: $(SWEPT)))
endif

.PHONY: data
data: $(OUT_02) ## Rebuild the processed tables in data/processed from data/raw

.PHONY: figures
figures: $(FIGURES) $(OUT_08) $(OUT_09) ## Rebuild every figure, table, the gallery and FINDINGS.md from data/raw
	@$(PY) -m llmscale.chain summary --since $(START) --figures $(FIG)

# ---- checks and tools -----------------------------------------------------------------

.PHONY: refresh
refresh: $(STAMP) ## Fetch the live version of each source into data/raw/<source>@<date>/ and report changes (network)
	$(PY) -m llmscale.refresh --raw $(RAW)

.PHONY: rerun
rerun: $(STAMP) ## Run one notebook with other parameters into build/runs/ (NB=05_predict_params P="min_models=30")
	@test -n "$(NB)" || { echo 'usage: make rerun NB=<notebook, e.g. 05_predict_params> P="name=value ..."' >&2; exit 2; }
	@$(PY) -m llmscale.chain rerun notebooks/$(NB).ipynb --set '$(P)' $(if $(NAME),--name '$(NAME)')

.PHONY: test
test: $(STAMP) ## Run the test suite (units, bad inputs, the chain on a fixture, determinism)
	$(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder

.PHONY: audit
audit: $(OUT_02) ## Print the data audit: where sizes come from, stated settings, size flags, conflicts by kind
	$(PY) -m llmscale.audit --processed $(PROCESSED)

.PHONY: bench
bench: $(STAMP) ## Time a clean build, a no-op build, a fresh venv and the same work in one process
	$(PY) tests/bench.py

# JupyterLab's defaults for this project (the venv's overrides.json): it works offline, so it
# asks no consent to fetch Jupyter news and looks for no update.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
LAB_OVERRIDES := {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}
.PHONY: lab
lab: $(STAMP) ## Open JupyterLab on the repository (notebooks, figures, data) with the project's kernel
	@mkdir -p $(LAB_SETTINGS) && printf '%s\n' '$(LAB_OVERRIDES)' > $(LAB_SETTINGS)/overrides.json
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --MappingKernelManager.default_kernel_name=llmscale \
		--LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS) $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: clean
clean: ## Remove generated files (build/, data/interim/, processed tables, figures); never data/raw
	rm -rf build $(INTERIM)
	rm -f $(PROCESSED)/*.csv $(PROCESSED)/*.json $(FIG)/*.svg $(FIG)/*.png $(FIG)/*.html
	rm -rf $(PROCESSED)/figures
	rm -f FINDINGS.md $(FIG)/README.md .FINDINGS.md.*.tmp
	find $(PROCESSED) $(FIG) -maxdepth 2 -name '.*.tmp' -type f -delete

.PHONY: distclean
distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'
