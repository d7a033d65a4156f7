# The two commands of the README:
#   make demo   set up, load the demo data and the bundled real statistics into the embedded store,
#               show Derby's partners and a real-statistics match, open the app
#   make test   set up (Python deps, npm linter, compose validator, chromium), lint, and run the whole test suite
.PHONY: demo test lint setup setup-test bench

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh test
	bash scripts/setup-test-tools.sh

demo: setup
	.venv/bin/rox demo --statistics
	.venv/bin/rox match Derby --top 5
	.venv/bin/rox match "Derbyshire and Nottinghamshire" --source src-file-uk-ons-bres-2021-csv-gz --top 5
	.venv/bin/rox app

lint: setup-test
	bash scripts/lint.sh

test: lint
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python bench/bench_similarity.py
	.venv/bin/python bench/bench_load.py
	.venv/bin/python bench/bench_match.py
