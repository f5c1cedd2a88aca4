"""The inter-coder agreement report is current and every disagreement is adjudicated and applied."""

import shutil

from mandate_notes import agreement
from mandate_notes.paths import AGREEMENT


def test_agreement_report_is_current_and_adjudication_complete(root):
    report, problems = agreement.render(root)
    assert problems == []
    assert AGREEMENT.read_text(encoding="utf-8") == report


def test_an_unadjudicated_disagreement_is_reported(root, tmp_path):
    for name in ("data", "sources"):
        shutil.copytree(root / name, tmp_path / name)
    path = tmp_path / "sources" / "ipi-2023-minusma" / "coding" / "second_coder" / "statistics.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",exactly,", ",about,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    _, problems = agreement.render(tmp_path)
    assert any(p.startswith("sources/ipi-2023-minusma/coding/adjudication.csv: not adjudicated:") and "'comparator'" in p for p in problems), problems


def test_cohen_kappa_is_one_for_identical_codes_and_zero_at_chance():
    assert agreement.cohen_kappa(list("aabb"), list("aabb")) == 1
    assert agreement.cohen_kappa(list("abab"), list("aabb")) == 0
