"""The inter-coder agreement report is current and every disagreement is adjudicated and applied."""

import csv
import io
import shutil

from mandate_notes import agreement, agreement_measures
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
    assert agreement_measures.cohen_kappa(list("aabb"), list("aabb")) == 1
    assert agreement_measures.cohen_kappa(list("abab"), list("aabb")) == 0


def test_sets_of_links_are_measured_whole_by_paragraph_and_by_relation_on_shared_paragraphs():
    first = {"r1": "p1=keep; p2=add", "r2": "p3=keep", "r3": "-=no_provision"}
    second = {"r1": "p1=strengthen", "r2": "p3=keep", "r3": "-=no_provision"}
    measures = agreement.set_measures("links", first, second)
    assert measures["links"] == (2, 3, None)
    assert measures["paragraphs"] == (2, 3, None)
    # Shared: r1 p1 (keep/strengthen), r2 p3, r3's no provision.
    agree, total, kappa = measures["relation on shared paragraphs"]
    assert (agree, total) == (2, 3) and kappa is not None


def test_task_sets_get_kappa_over_every_unit_and_task_decision():
    first = {"u1": "a; b", "u2": "c"}
    second = {"u1": "a", "u2": "c"}
    agree, total, kappa = agreement.set_measures("tasks", first, second)["tasks"]
    # Decisions over tasks a, b, c for two units: one of six differs.
    assert (agree, total) == (1, 2)
    assert round(kappa, 3) == round(agreement_measures.cohen_kappa(list("110001"), list("100001")), 3)


def test_a_changed_set_coding_of_the_second_coder_must_be_adjudicated(root, tmp_path):
    for name in ("data", "sources"):
        shutil.copytree(root / name, tmp_path / name)
    path = tmp_path / "sources" / "s-res-2690-2023" / "coding" / "second_coder" / "paragraph_tasks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    unit = lines[1].split(",")[0]
    lines.append(f"{unit},gender\n")
    path.write_text("".join(lines), encoding="utf-8")
    _, problems = agreement.render(tmp_path)
    assert any(p.startswith("sources/s-res-2690-2023/coding/adjudication.csv: not adjudicated:") and unit in p
               for p in problems), problems


def test_the_blind_coding_is_compared_table_by_table_and_a_changed_code_moves_its_field(root, tmp_path):
    from mandate_notes import blind_agreement

    for name in ("data", "sources"):
        shutil.copytree(root / name, tmp_path / name)
    folder = tmp_path / "sources" / "ipi-2023-minusma" / "coding" / blind_agreement.BLIND_CODER
    before = {s["table"]: s for s in blind_agreement.compare(tmp_path, "ipi-2023-minusma", folder)[0]}
    assert {"recommendations", "statistics", "actors", "actor_aliases", "works", "citations", "events"} <= set(before)
    assert all(s["paired"] <= min(s["first"], s["second"]) for s in before.values())
    path = folder / "statistics.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",exactly,", ",about,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    after = {s["table"]: s for s in blind_agreement.compare(tmp_path, "ipi-2023-minusma", folder)[0]}
    assert after["statistics"]["measures"]["comparator"][0] == before["statistics"]["measures"]["comparator"][0] - 1
    _, problems = agreement.render(tmp_path)
    assert any("blind_adjudication.csv: not adjudicated:" in p and "'comparator'" in p for p in problems), problems


def test_actors_are_paired_by_name_acronym_or_alias():
    from mandate_notes.blind_agreement import actor_map

    ours = [{"actor_id": "un-security-council", "name": "United Nations Security Council", "acronym": "UNSC"}]
    aliases = [{"actor_id": "un-security-council", "alias": "Security Council"}]
    theirs = [{"name": "Security Council", "acronym": ""}, {"name": "Council of the EU", "acronym": ""},
              {"name": "the UN Security Council", "acronym": "UNSC"}]
    assert actor_map(theirs, ours, aliases) == {"Security Council": "un-security-council",
                                                "the UN Security Council": "un-security-council"}


def test_a_later_correction_is_undone_for_the_earlier_comparison_and_must_be_what_the_data_hold(root, tmp_path):
    for name in ("data", "sources"):
        shutil.copytree(root / name, tmp_path / name)
    record = tmp_path / "sources" / "s-res-2640-2022" / "coding" / agreement.REVISIONS
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    unit = lines[-1].split(",")[2]
    # Without its record, the corrected unit differs from the second coding as if never decided.
    record.write_text("".join(lines[:-1]), encoding="utf-8")
    _, problems = agreement.render(tmp_path)
    assert any("not adjudicated" in p and unit in p for p in problems), problems
    # A record whose value after is not the data's value is reported.
    last = next(csv.DictReader(lines[:1] + lines[-1:]))
    last["after"] = "no_pema_task" if last["after"] != "no_pema_task" else "human_rights"
    written = io.StringIO()
    csv.DictWriter(written, fieldnames=list(last), lineterminator="\n").writerow(last)
    record.write_text("".join(lines[:-1]) + written.getvalue(), encoding="utf-8")
    _, problems = agreement.render(tmp_path)
    assert any(p.startswith("sources/s-res-2640-2022/coding/revisions.csv: revision not what the data hold")
               and unit in p for p in problems), problems


def test_a_blind_coding_of_the_council_side_is_set_beside_the_earlier_one_and_must_be_adjudicated(root, tmp_path):
    for name in ("data", "sources"):
        shutil.copytree(root / name, tmp_path / name)
    coding = tmp_path / "sources" / "ipi-2023-minusma" / "coding"
    folder = coding / agreement.BLIND_LINKS
    folder.mkdir(exist_ok=True)
    (coding / agreement.BLIND_LINKS_ADJUDICATION).unlink(missing_ok=True)
    # A stand-in blind coding: the earlier second coder's links and outcomes.
    for table in ("mandate_links", "recommendation_outcomes"):
        shutil.copy(coding / agreement.SECOND_CODER / f"{table}.csv", folder / f"{table}.csv")
    report, problems = agreement.render(tmp_path)
    section = report.split("## Blind coding of the Council's side, 1.2")[1].split("\n## ")[0]
    earlier = report.split("## mandate_links (ipi-2023-minusma)")[1].split("\n## ")[0]
    paragraphs = next(line for line in earlier.splitlines() if line.startswith("| `paragraphs` |"))
    agree, total = paragraphs.split(" | ")[2].split("/")
    assert f"| mandate links: the same paragraphs (set agreement) | {paragraphs.split(' | ')[1]} ({agree}/{total}) |" in section
    assert any(p.startswith("sources/ipi-2023-minusma/coding/blind_links_adjudication.csv: not adjudicated:")
               and "'mandate_links'" in p for p in problems), problems
