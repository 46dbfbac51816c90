"""The bundled plan data as a whole: counts, provenance and cross-file references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lanxi.data.catalog import FILES, default_data_dir, load_catalog
from lanxi.domain.plans import is_seed_source
from lanxi.errors import ValidationError


@pytest.fixture(scope="module")
def cat():  # type: ignore[no-untyped-def]
    return load_catalog()


def test_counts(cat) -> None:  # type: ignore[no-untyped-def]
    counts = cat.counts()
    assert counts["tasks"] == 58
    assert counts["plans"] == 5
    assert sum(r.level.value == "county" for r in cat.regions) == 39
    assert sum(r.level.value == "prefecture" for r in cat.regions) == 9
    assert counts["agencies"] >= 60
    assert counts["projects"] >= 100


def test_every_record_is_sourced(cat) -> None:  # type: ignore[no-untyped-def]
    for kind in FILES:
        for rec in getattr(cat, kind):
            assert rec.source.strip(), (kind, rec)
    # Facts taken from the plans cite a seed file and a section.
    for kind in ("targets", "tasks", "projects", "region_groups"):
        for rec in getattr(cat, kind):
            assert is_seed_source(rec.source) or "_" in rec.source.split("§")[0], (kind, rec.id)
    for t in cat.tasks:
        assert is_seed_source(t.source), t.id


def test_cited_seed_files_exist(cat, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    names = {p.name for p in seeds_dir.glob("*.txt")}
    assert len(names) == 5
    for p in cat.plans:
        assert p.file in names


def test_tasks_link_the_projects_named_in_them(cat) -> None:  # type: ignore[no-untyped-def]
    projects = {p.id: p for p in cat.projects}
    linked = set()
    for t in cat.tasks:
        for pid in t.projects:
            assert projects[pid].column == t.section, (t.id, pid)
            linked.add(pid)
    scheme = {p.id for p in cat.projects if p.plan == "scheme2022"}
    assert scheme == linked


def test_task_text_comes_from_the_document(cat, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    seed = seeds_dir / "003_cf9ffa16fafa6b65.txt"
    flat = "".join(seed.read_text(encoding="utf-8").split())
    for t in cat.tasks:
        assert "".join(t.title.split()) in flat, t.id


def test_broken_reference_names_file_row_and_field(tmp_path: Path) -> None:
    d = tmp_path / "plans"
    shutil.copytree(default_data_dir(), d, ignore=shutil.ignore_patterns("boundaries"))
    tasks = (d / "tasks.yaml").read_text(encoding="utf-8")
    (d / "tasks.yaml").write_text(
        tasks.replace("- gs_fgw\n", "- gs_nonexistent\n", 1), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as exc:
        load_catalog(d)
    [p] = exc.value.problems
    assert (p.file, p.field, p.value) == ("tasks.yaml", "lead_units", "gs_nonexistent")
    assert p.row is not None


def test_malformed_file_is_refused_with_file_row_field(tmp_path: Path) -> None:
    d = tmp_path / "plans"
    shutil.copytree(default_data_dir(), d, ignore=shutil.ignore_patterns("boundaries"))
    lines = (d / "regions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = (
        lines[5].replace(",county,", ",township,", 1).replace(",prefecture,", ",township,", 1)
    )
    (d / "regions.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_catalog(d)
    assert [(p.file, p.row, p.field) for p in exc.value.problems] == [("regions.csv", 6, "level")]
