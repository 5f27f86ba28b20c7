"""The commands must say clearly when Odoo is missing, and fail under CI."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _bin_without_odoo(tmp_path):
    """A folder ahead of /usr/bin and /bin that hides any Odoo the machine has:
    python3 without site-packages (a system-wide Odoo lives there) and an
    `odoo` command that is not Odoo. Without it, on a machine whose python3
    imports Odoo, running .ci/run here would run the whole suite inside this
    test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    candidates = [Path(d) / "python3" for d in ("/usr/bin", "/bin")]
    python3 = next((p for p in candidates if p.exists()), None)
    if python3:
        (bin_dir / "python3").write_text(f'#!/bin/sh\nexec {python3} -S "$@"\n')
    (bin_dir / "odoo").write_text("#!/bin/sh\nexit 127\n")
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    return bin_dir


def _env_without_odoo(tmp_path, **extra):
    # /usr/bin and /bin only, with any Odoo they hold hidden; the project's
    # .venv and Odoo checkout moved to an empty folder, and an Odoo source
    # that does not exist, so that tools/ensure-odoo cannot install one
    env = {
        "PATH": f"{_bin_without_odoo(tmp_path)}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SOCIAL_VENV": str(tmp_path / "venv"),
        "SOCIAL_ODOO_HOME": str(tmp_path / "odoo"),
        "SOCIAL_ODOO_ENV": str(tmp_path / "none.env"),
        "ODOO_SRC": str(tmp_path / "no-such-odoo"),
    }
    env.update(extra)
    return env


def _run(args, tmp_path, **extra):
    return subprocess.run(
        args,
        cwd=REPO,
        env=_env_without_odoo(tmp_path, **extra),
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


def test_odoo_python_explains_what_is_missing(tmp_path):
    result = _run([str(REPO / "tools/odoo-python")], tmp_path)
    assert result.returncode == 1
    assert "Odoo 18.0 Community is not importable" in result.stderr
    assert "ODOO_PYTHON" in result.stderr


def _assert_odoo_hidden(tmp_path):
    found = _run([str(REPO / "tools/odoo-python")], tmp_path)
    assert found.returncode == 1, f"Odoo is still reachable: {found.stdout}"


def test_ci_fails_without_odoo(tmp_path):
    _assert_odoo_hidden(tmp_path)
    result = _run(["bash", ".ci/run"], tmp_path)
    assert result.returncode != 0
    assert "Cannot fetch Odoo from" in result.stderr
    assert "Odoo 18.0 is not importable" in result.stderr
    assert "CI=true" in result.stderr


def test_make_test_outside_ci_says_no_tests_ran(tmp_path):
    _assert_odoo_hidden(tmp_path)
    result = _run(["make", "-s", "test"], tmp_path)
    assert result.returncode == 0
    assert "No tests ran" in result.stderr
