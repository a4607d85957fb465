"""``skiptrace simulate``: writes a world; bad arguments give a one-line error, exit 1 or 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from skiptrace.cli.simulate import simulate


def test_simulate_writes_a_world(tmp_path):
    out = tmp_path / "w"
    result = CliRunner().invoke(simulate, ["--persons", "200", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "world.json").read_text())
    assert manifest["counts"]["persons"] == 200
    assert manifest["counts"]["accounts"] == 50  # default: persons / 4
    assert "wrote 200 persons" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--persons", "0"], "--persons must be at least 10"),
        (["--persons", "100", "--accounts", "90"], "--accounts must be at most half"),
        (["--persons", "100", "--noise-scale", "-1"], "--noise-scale must be between"),
        (["--persons", "100", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_values_give_one_line_errors(tmp_path, args, message):
    from skiptrace.cli import main  # noqa: F401  (the root maps SkiptraceError to exit 1)
    from skiptrace.errors import ConfigError

    result = CliRunner().invoke(simulate, [*args, "--out", str(tmp_path / "w")])
    assert isinstance(result.exception, ConfigError)
    assert message in str(result.exception) and "\n" not in str(result.exception)
    assert not (tmp_path / "w").exists()


def test_out_pointing_at_a_file_is_refused(tmp_path):
    from skiptrace.errors import ConfigError

    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(simulate, ["--persons", "20", "--out", str(target)])
    assert isinstance(result.exception, ConfigError)
    assert "is not a directory" in str(result.exception)


def test_unparseable_option_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(simulate, ["--persons", "abc", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Invalid value for '--persons'" in result.output
