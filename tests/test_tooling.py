"""The commands must say clearly when Odoo is missing, and fail under CI."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _env_without_odoo(**extra):
    # /usr/bin and /bin only: neither the Odoo environment nor an `odoo` command
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    env.update(extra)
    return env


def _run(args, **extra):
    return subprocess.run(
        args,
        cwd=REPO,
        env=_env_without_odoo(**extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_odoo_python_finds_the_running_interpreter():
    found = subprocess.run(
        [str(REPO / "tools/odoo-python")],
        env=dict(os.environ, ODOO_PYTHON=sys.executable),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(found.stdout.strip()).resolve() == Path(sys.executable).resolve()


def test_odoo_python_explains_what_is_missing():
    result = _run([str(REPO / "tools/odoo-python")])
    assert result.returncode == 1
    assert "Odoo 18.0 Community is not importable" in result.stderr
    assert "ODOO_PYTHON" in result.stderr


def test_ci_fails_without_odoo():
    result = _run(["bash", ".ci/run"])
    assert result.returncode != 0
    assert "Odoo 18.0 is not importable" in result.stderr
    assert "CI=true" in result.stderr


def test_make_test_outside_ci_says_no_tests_ran():
    result = _run(["make", "-s", "test"])
    assert result.returncode == 0
    assert "No tests ran" in result.stderr
