"""Resource bounds: pathological inputs finish, in a subprocess with a hard timeout.

A regex with catastrophic backtracking or a quadratic loop would hang; running
``bayan extract`` in a subprocess with ``timeout=60`` turns a hang into a failure
instead of a blocked CI job. Measured wall times are tallied ("resource_ms.*").
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from robust_support import TALLY, check_record, run_cli

HARD_TIMEOUT = 60  # seconds; a normal run takes a few

_DENSE = ("اجتماع وزراء خارجية روسيا وتركيا وإيران في أستانا الجولة الحادية والعشرين "
          "يوم 11 نوفمبر 2024 وأكد البيان سيادة سوريا ")

CASES = {
    "letters_200k": "ب" * 200_000,
    "waw_space_100k": "و " * 100_000,
    "brackets_50k": "(" * 50_000 + "اجتماع" + ")" * 50_000,
    "quotes_50k": "«\"“" * 17_000 + "اجتماع وزراء" + "»\"”" * 17_000,
    "line_1mb_no_punct": (_DENSE * (1_000_000 // len(_DENSE) + 1))[:1_000_000],
    "alef_lam_100k": "ال" * 100_000,
    "digit_and_waw_50k": "11 و" * 50_000,
    "harakat_100k": "بَّ" * 50_000,
}


@pytest.mark.parametrize("name", list(CASES))
def test_pathological_input_finishes(name, tmp_path):
    path = tmp_path / f"{name}.txt"
    path.write_text(CASES[name], encoding="utf-8")
    started = time.perf_counter()
    try:
        proc = run_cli("extract", "--format", "jsonl", str(path), timeout=HARD_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: extraction did not finish within {HARD_TIMEOUT} s")
    elapsed = time.perf_counter() - started
    TALLY[f"resource_ms.{name}"] = round(elapsed * 1000)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(records) == 1
    check_record(records[0])
