# Two commands do all the set-up:
#   make run    demo database social_demo, Vietnamese, served on 127.0.0.1:8069
#   make test   fresh test databases, pytest-odoo (with tours), ruff and pylint-odoo
# Odoo is found through $ODOO_PYTHON, the project's .venv, python3, or an `odoo` command on
# PATH (tools/odoo-python); when none has Odoo 18.0, tools/ensure-odoo installs it into .venv
# from ODOO_SRC at ODOO_REF (see README.md).
SHELL := /bin/bash
ADDONS := social_beneficiary social_payout social_reconciliation
DEMO_DB ?= social_demo

.PHONY: run test lint bench requirements pg-start pg-stop demo-db check-odoo odoo chromium pdf

odoo:
	@tools/ensure-odoo

check-odoo: odoo
	@tools/odoo-python >/dev/null

requirements: check-odoo
	@tools/install-requirements

pg-start:
	@tools/pg start

pg-stop:
	@tools/pg stop

chromium:
	@tools/ensure-chromium

# wkhtmltopdf, DejaVu fonts and pdftotext: the printed documents (PDF)
pdf:
	@tools/ensure-wkhtmltopdf

demo-db: requirements pg-start
	@tools/demo-db $(DEMO_DB)

run: demo-db
	@tools/ensure-wkhtmltopdf || echo "Serving without wkhtmltopdf: PDF documents will not print." >&2
	@echo "Serving $(DEMO_DB) on http://127.0.0.1:8069 (logins: see README.md)"
	@exec tools/odoo -c config/odoo.conf -d $(DEMO_DB)

test:
	@tools/run-tests $(ADDONS)

lint:
	@tools/lint

bench: requirements pg-start
	@for script in tests/benchmarks/bench_*.py; do tools/bench "$$script" || exit 1; done
