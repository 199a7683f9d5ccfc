"""MkDocs hook: the thin engine glue for `bds build`, `bds serve` (and a plain `mkdocs serve`).

`bds build` generates the pages itself and hands them over in memory (`extra.bds_files`, added
here as virtual files: nothing is written to disk and read back). In a preview it regenerates the
pages from the project on every rebuild (content/ and opportunities/ are watched).

Pages whose front matter says `bds_html: true` are finished HTML: Python-Markdown would parse
every tag only to return the block unchanged, so the body skips it (see `render.page`).

The theme's templates say `{{ t("theme.not_found.title") }}` (the message catalogue, bds.messages),
and every page carries the texts of bds.js as JSON (`bds_js_messages()`), in the territory's words
(`extra.bds_words`, set by the build and the preview).
"""

PRERENDERED_KEY = "bds_html"  # same as bds.web.render.PRERENDERED_KEY (kept import-free here)


def on_config(config):
    if config.extra.get("bds_pregenerated"):
        return config
    from bds.web import preview

    return preview.configure(config)


def js_messages(words: dict | None = None) -> dict:
    """The `theme.js` section of the catalogue for bds.js: texts, or plural forms, by key."""
    from bds import messages

    with messages.use(words=words):
        known = messages.words()
        entries = messages.section("theme.js")
    return {
        key: {form: messages.fill_words(str(text), known) for form, text in value.items()}
        if isinstance(value, dict)
        else messages.fill_words(str(value), known)
        for key, value in entries.items()
    }


def on_env(env, config, files):
    from bds import messages

    words = config.extra.get("bds_words")

    def t(key, **params):
        with messages.use(words=words):
            return messages.t(key, **params)

    env.globals["t"] = t
    env.globals["bds_js_messages"] = lambda: js_messages(words)
    return env


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
