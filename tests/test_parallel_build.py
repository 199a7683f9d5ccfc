"""The pages rendered in several processes (engine.build_in_processes) give the same site, byte for byte,
as MkDocs's own one-process build (BDS_BUILD_PROCESSES=1), for a site in one language and in two."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
import yaml
from bds.content import Project
from bds.web import build, engine, postprocess, synthetic
from hypothesis import given, settings
from hypothesis import strategies as st

TODAY = dt.date(2026, 6, 1)


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _build(root: Path, out: Path, processes: int, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setenv(build.PROCESSES_ENV, str(processes))
    build.build_site(Project(root), out, TODAY, log=io.StringIO())
    return _tree(out)


def _differences(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    return sorted(path for path in one.keys() | other.keys() if one.get(path) != other.get(path))


@pytest.mark.parametrize("languages", [["it"], ["it", "en"]])
def test_pages_rendered_in_several_processes_give_the_same_site(tmp_path, monkeypatch, languages):
    """One language: its pages shared among 3 processes; two languages: built side by side."""
    root = synthetic.write_project(tmp_path / "project", listings=40, partners=5, today=TODAY)
    territory = root / "content" / "territory.yml"
    data = yaml.safe_load(territory.read_text(encoding="utf-8"))
    data["languages"] = languages
    territory.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    runs = tmp_path / "engine-runs.txt"  # written by every process (children's memory is their own)
    original = engine.build

    def recorded(*args, **kwargs):
        with runs.open("a", encoding="utf-8") as record:
            record.write(f"{os.getpid()} {kwargs.get('workers', 1)}\n")
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "build", recorded)
    monkeypatch.setattr(postprocess, "IN_PROCESS_BELOW", 10)  # QR codes in a worker / drawn beforehand
    prefetched = []
    start_qr = postprocess.start_qr
    monkeypatch.setattr(
        postprocess,
        "start_qr",
        lambda ctx, in_process=False, drawn=None: (
            prefetched.append(len(drawn or {})) or start_qr(ctx, in_process, drawn)
        ),
    )
    alone = _build(root, tmp_path / "alone", 1, monkeypatch)
    assert set(prefetched) == {0}
    assert runs.read_text(encoding="utf-8").split() == [str(os.getpid()), "1"] * len(languages)
    runs.unlink()
    three = _build(root, tmp_path / "three", 3, monkeypatch)
    assert prefetched[len(languages)] == 40  # the Italian codes, drawn while validating
    seen = [line.split() for line in runs.read_text(encoding="utf-8").splitlines()]
    if len(languages) == 1:
        assert seen == [[str(os.getpid()), "3"]]  # the pages shared by 3 processes
    else:
        assert len({pid for pid, _ in seen}) == 2 and {w for _, w in seen} == {"1"}  # side by side
    assert len(alone) > 100 and "search/search_index.json" in alone
    assert _differences(alone, three) == []


def test_a_page_that_fails_in_a_child_process_fails_the_build(tmp_path, monkeypatch):
    root = synthetic.write_project(tmp_path / "project", listings=6, partners=2, today=TODAY)
    original = engine._render_share

    parent = os.getpid()

    def failing(run, numbers, queue=None):
        if os.getpid() != parent:  # a child's share
            raise ValueError("broken page")
        return original(run, numbers, queue)

    monkeypatch.setattr(engine, "_render_share", failing)
    with pytest.raises(ValueError, match="broken page"):
        _build(root, tmp_path / "site", 2, monkeypatch)
    assert not (tmp_path / "site").exists()  # nothing swapped in


def test_qr_codes_are_drawn_as_segno_draws_them():
    """bds.web.qr writes the SVG path itself (faster): the same text as segno's own svg_inline."""
    import random

    import segno
    from bds.web import qr

    rng = random.Random(3)
    urls = [f"https://esempio.org/{'x' * rng.randint(0, 1500)}/opportunita/{i:05d}/" for i in range(160)]
    urls += ["HTTPS://ESEMPIO.ORG/1", "0123456789" * 7, "https://esempio.org/città/è-aperta/"]
    versions = set()
    for url in urls:
        code = segno.make(url, error="m", micro=False, mask=0, boost_error=False)
        versions.add(code.version)
        segnos = code.svg_inline(scale=3, omitsize=True, svgclass="bds-qr-svg", lineclass=None, title=None)
        assert qr.svg(url, "Etichetta") == segnos.replace(
            "<svg ", '<svg role="img" aria-label="Etichetta" ', 1
        )
    assert min(versions) <= 3 and max(versions) >= 30  # small codes, and big ones with many blocks


def test_qr_codes_fall_back_on_segno_when_its_steps_change(monkeypatch):
    """The modules are placed from segno's own encoding steps; when those are not there (a later segno
    that renamed them: `_rows` gives None), segno.make draws the same code."""
    from bds.web import qr

    url = "https://esempio.org/opportunita/corso/"
    placed = qr.svg(url, "Etichetta")
    monkeypatch.setattr(qr, "_rows", lambda url: None)
    assert qr.svg(url, "Etichetta") == placed


def test_strict_mode_holds_when_the_pages_are_shared(tmp_path, monkeypatch):
    """A warning seen in a child process stops the build as MkDocs's strict build does, naming the page."""
    import logging

    from bds.errors import BdsError

    root = synthetic.write_project(tmp_path / "project", listings=6, partners=2, today=TODAY)
    original = engine._render_share

    parent = os.getpid()

    def warning_in_child(run, numbers, queue=None):
        if os.getpid() != parent:  # a child's share: as if a page of it had a link to no page
            logging.getLogger("mkdocs.structure.pages").warning(
                "Doc file 'opportunita/altrove.md' contains a link 'manca.md', but the target is not found "
                "among documentation files."
            )
        return original(run, numbers, queue)

    monkeypatch.setattr(engine, "_render_share", warning_in_child)
    with pytest.raises(BdsError) as stopped:
        _build(root, tmp_path / "site", 2, monkeypatch)
    message = str(stopped.value)
    assert "la pagina «opportunita/altrove.md» non si può costruire" in message
    assert "«manca.md»" in message
    assert not (tmp_path / "site").exists()  # nothing swapped in


@pytest.mark.parametrize("processes", [1, 2])
def test_anchors_of_pages_read_in_the_children_are_checked(tmp_path, monkeypatch, processes):
    """Pages outside the menu are read and converted by the process that renders them; MkDocs's anchor
    check still sees their anchors and their links: a link to an anchor that exists passes, one to a
    missing anchor stops the strict build, naming the page, whatever the number of processes."""
    from bds.errors import BdsError
    from bds.web import pages

    root = synthetic.write_project(tmp_path / "project", listings=60, partners=3, today=TODAY)
    extra = {"prove/b.md": "# B\n\n## Una sezione\n\nTesto.\n"}

    def with_links(target: str):
        def provider(content, ctx):
            return {**extra, "prove/a.md": f"# A\n\n[Vai]({target})\n"}

        return provider

    monkeypatch.setenv(build.PROCESSES_ENV, str(processes))
    site = build.build_site(
        Project(root),
        tmp_path / "ok",
        TODAY,
        log=io.StringIO(),
        providers=[*pages.PAGE_PROVIDERS, with_links("b.md#una-sezione")],
    )
    assert site.pages > 100 and (tmp_path / "ok" / "prove" / "a" / "index.html").is_file()
    with pytest.raises(BdsError) as stopped:
        build.build_site(
            Project(root),
            tmp_path / "broken",
            TODAY,
            log=io.StringIO(),
            providers=[*pages.PAGE_PROVIDERS, with_links("b.md#nessuna")],
        )
    assert "«prove/a.md»" in str(stopped.value)
    assert not (tmp_path / "broken").exists()


@pytest.mark.parametrize("prose", [True, False])
def test_a_big_site_generates_its_pages_in_two_processes_with_the_same_bytes(tmp_path, monkeypatch, prose):
    """From `generate.PARALLEL_FROM` listings the descriptions are converted ahead (plain prose without
    the converter; when many need it, half of those in a forked process) and the heavy providers
    (listing and filter pages) run in a worker: the same files as one process gives, and the worker
    really ran (its conversions were not made in this process)."""
    from bds import validate
    from bds.web import generate, text

    root = synthetic.write_project(tmp_path / "project", listings=30, partners=3, today=TODAY)
    content = validate.run(Project(root), today=TODAY).content
    if not prose:  # as if no description were plain prose: all go to the converter, half in the child
        monkeypatch.setattr(text, "prose_html", lambda source: None)
        monkeypatch.setattr(generate, "FORK_CONVERSIONS_FROM", 10)

    def generated(parallel_from: int) -> dict:
        monkeypatch.setattr(generate, "PARALLEL_FROM", parallel_from)
        text.remember_markdown(3, {})
        ctx = generate.context_from_content(content, TODAY, inline_qr=False)
        ctx.cache.clear()
        out = generate.run_providers(content, ctx)
        return {path: getattr(data, "body", data) for path, data in out.files.items()}

    alone = generated(10**9)
    text._markdown_html.cache_clear()
    shared = generated(10)
    descriptions = {item.data.get("description", "") for item in content.valid("opportunity")}
    assert len(text._AHEAD) >= len(descriptions)  # every description ready before the providers
    if not prose:  # this process converted only its half of them
        assert text._markdown_html.cache_info().misses < len(descriptions) * 3 // 4
    assert alone == shared
    assert any(path.startswith("opportunita/") for path in shared)


@settings(max_examples=1500, deadline=None)
@given(
    title=st.text(max_size=40),
    description=st.text(max_size=40),
    searchable=st.booleans(),
    boost=st.sampled_from([0, 1, 2, 1.5, 10, 0.25, 1e-5]),
    lastmod=st.text(max_size=12),
    side_menu=st.booleans(),
    outline=st.booleans(),
    html=st.booleans(),
)
def test_the_kits_front_matter_is_read_as_yaml_reads_it(
    title, description, searchable, boost, lastmod, side_menu, outline, html
):
    """Pages read in the render processes skip the YAML parser for the front matter the kit writes
    (engine.front_matter_data): the same Markdown and metadata as MkDocs's meta.get_data, or None."""
    from bds.web.page import Page
    from mkdocs.utils import meta

    page = Page(
        title,
        "<div>corpo</div>" if html else "Testo.",
        description=description,
        html=html,
        searchable=searchable,
        search_boost=boost,
        lastmod=lastmod,
        side_menu=side_menu,
        outline=outline,
    )
    source = engine.page_source(page)
    known = engine.front_matter_data(source)
    assert known is None or known == meta.get_data(source)
    plain = all(text.isascii() and text.isalnum() for text in (title, description, lastmod or "x"))
    if plain and boost != 1e-5:  # plain texts, the usual boosts: always read without the parser
        assert known is not None
