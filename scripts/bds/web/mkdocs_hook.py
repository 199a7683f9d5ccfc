"""MkDocs hook: the thin engine glue for `bds build`, `bds serve` (and a plain `mkdocs serve`).

`bds build` generates the pages itself and hands them over in memory (`extra.bds_files`, added
here as virtual files: nothing is written to disk and read back). In a preview it regenerates the
pages from the project on every rebuild (content/ and opportunities/ are watched).

Pages whose front matter says `bds_html: true` are finished HTML: Python-Markdown would parse
every tag only to return the block unchanged, so the body skips it (see `render.page`).
"""

PRERENDERED_KEY = "bds_html"  # same as bds.web.render.PRERENDERED_KEY (kept import-free here)


def on_config(config):
    if config.extra.get("bds_pregenerated"):
        return config
    from bds.web import preview

    return preview.configure(config)


_seen = {"pages": 0}
_prerendered: dict[str, str] = {}


def on_pre_build(config):
    _seen["pages"] = 0
    _prerendered.clear()


def on_files(files, config):
    generated = config.extra.get("bds_files")
    if generated is None:
        return files
    from mkdocs.structure.files import File, Files

    ours = [File.generated(config, path, content=data) for path, data in generated]
    taken = {f.src_uri for f in ours}
    # Same order as if they were read from a docs folder: generated files first, then the theme's.
    return Files(ours + [f for f in files if f.src_uri not in taken])


def on_page_markdown(markdown, page, config, files):
    if page.meta.get(PRERENDERED_KEY) is True:
        _prerendered[page.file.src_uri] = markdown.strip()
        return ""
    return markdown


def on_page_content(html, page, config, files):
    body = _prerendered.pop(page.file.src_uri, None)
    return html if body is None else body


def _stock_fixes(output: str) -> str:
    """mkdocs-material leaves `tabindex=""` on section labels of the navigation (partials/nav-item.html):
    invalid HTML that browsers ignore, so dropping it changes nothing but the validator's verdict."""
    return output.replace(' tabindex=""', "")


def on_post_page(output, page, config):
    output = _stock_fixes(output)
    finish = config.extra.get("bds_finish_page")
    if finish is not None:
        output = finish(page.file.src_uri, output)
    report = config.extra.get("bds_progress")
    if report is not None:
        _seen["pages"] += 1
        report(_seen["pages"])
    return output
