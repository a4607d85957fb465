"""Rebuild the per-area sections of bench/RESULTS.md from bench/results/*.md.

Everything in RESULTS.md above the marker line (the summary written by hand) is kept;
everything below it is replaced by each area's results file, headings demoted one level.

    python bench/assemble_results.py
"""

from __future__ import annotations

from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
MARKER = "<!-- generated below by `python bench/assemble_results.py`: do not edit by hand -->"
AREAS = (
    "simulate",
    "normalize",
    "ingest",
    "resolve",
    "locate",
    "locate_accuracy_update",
    "locate_speed_update",
    "cli",
    "verify",
)


def demote_headings(text: str) -> str:
    """Push every Markdown heading one level down (outside fenced code blocks)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def assemble() -> str:
    """Return RESULTS.md with its generated part rebuilt."""
    head = RESULTS.read_text(encoding="utf-8").split(MARKER)[0].rstrip()
    parts = [head, "", MARKER, ""]
    for area in AREAS:
        path = BENCH / "results" / f"{area}.md"
        if path.exists():
            body = demote_headings(path.read_text(encoding="utf-8"))
            parts += [f"<!-- from bench/results/{area}.md -->", body, ""]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    RESULTS.write_text(assemble(), encoding="utf-8")
