"""`skiptrace normalize`: exact readable and JSON output, masking and exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from skiptrace.cli.normalize import normalize_command


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(normalize_command, list(args), input=stdin)
    return result.exit_code, result.output


def test_address_readable() -> None:
    code, out = run("address", "123 N Main St Apt 4", "123 North Main Street #4")
    assert code == 0
    assert out == (
        "'123 N Main St Apt 4' -> 123 N MAIN ST APT 4  [key 123 N MAIN ST #4|]\n"
        "'123 North Main Street #4' -> 123 N MAIN ST # 4  [key 123 N MAIN ST #4|]\n"
    )


def test_address_with_locality_shows_reference_checks() -> None:
    code, out = run("address", "123 Main St, Springfield, IL 62701")
    assert code == 0
    assert out == (
        "'123 Main St, Springfield, IL 62701' -> 123 MAIN ST, SPRINGFIELD IL 62701  "
        "[key 123 MAIN ST|62701]  (zip consistent yes; timezone America/Chicago)\n"
    )


def test_name_readable() -> None:
    code, out = run("name", "ROBT J SMITH JR")
    assert code == 0
    assert out == (
        "'ROBT J SMITH JR' -> ROBERT J SMITH JR  [key SMITH|ROBERT|J|JR]  "
        "(first~{BILL,BILLY,BOB,ROBERT} phonetic RBRT/SNAT)\n"
    )


def test_name_format_option() -> None:
    code, out = run("name", "--name-format", "last_first", "SMITH JOHN")
    assert (code, out.split(" -> ")[1].split("  ")[0]) == (0, "JOHN SMITH")


def test_ssn_masked_in_readable_output() -> None:
    code, out = run("ssn", "234-56-7890", "6789")
    assert code == 0
    assert out == (
        "'***-**-7890' -> ***-**-7890  [key ***-**-7890]\n"
        "'***-**-6789' -> ***-**-6789  [key ***-**-6789]\n"
    )
    assert "234" not in out


def test_ssn_masked_in_json() -> None:
    code, out = run("ssn", "--json", "234-56-7890")
    record = json.loads(out)
    assert code == 0
    assert (record["canonical"], record["key"], record["raw"], record["digits"]) == (
        "***-**-7890", "***-**-7890", "***-**-7890", None,
    )  # fmt: skip
    assert "234" not in out


def test_invalid_value_exits_1_with_reason() -> None:
    code, out = run("ssn", "000-12-3456")
    assert (code, out) == (1, "'***-**-3456' -> error: invalid_area\n")


def test_json_one_object_per_value() -> None:
    code, out = run("phone", "--json", "(415) 253-0000 x12", "nope")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(r["canonical"], r["key"], r["error"]) for r in lines] == [
        ("+14152530000 x12", "+14152530000", None), ("", "", "unparseable"),
    ]  # fmt: skip
    assert lines[0]["timezones"] == ["America/Los_Angeles"]


def test_date_formats_option() -> None:
    code, out = run("date", "--date-format", "%d/%m/%Y", "05/01/1980")
    assert (code, out) == (0, "'05/01/1980' -> 1980-01-05  [key 1980-01-05]  (precision day)\n")


def test_values_from_stdin() -> None:
    code, out = run("email", "-", stdin="A.B+x@Gmail.com\nbad\n")
    assert code == 1
    assert (
        out
        == "'A.B+x@Gmail.com' -> a.b+x@gmail.com  [key ab@gmail.com]\n'bad' -> error: missing_at\n"
    )


def test_unknown_kind_is_usage_error() -> None:
    code, out = run("shoe", "x")
    assert code == 2
    assert "Invalid value for 'KIND'" in out


def test_missing_values_is_usage_error() -> None:
    code, out = run("name")
    assert code == 2
    assert "Missing argument 'VALUES...'" in out
