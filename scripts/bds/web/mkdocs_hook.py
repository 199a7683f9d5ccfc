"""MkDocs hook: the thin engine glue for `bds build`, `bds serve` (and a plain `mkdocs serve`).

`bds build` generates the pages itself and hands them over in memory (`extra.bds_files`, added
here as virtual files: nothing is written to disk and read back), and so does `bds serve`
(engine.LiveSite). Under a plain `mkdocs serve` it regenerates the pages from the project on every
rebuild (engine.plain_preview).

Pages whose front matter says `bds_html: true` are finished HTML: Python-Markdown would parse
every tag only to return the block unchanged, so the body skips it (see `engine.page_source`).

The theme's templates say `{{ t("theme.not_found.title") }}` (the message catalogue, bds.messages),
and every page carries the texts of bds.js as JSON (`bds_js_messages()`), in the territory's words
(`extra.bds_words`, set by the build and the preview).
"""

PRERENDERED_KEY = "bds_html"  # same as bds.web.engine.PRERENDERED_KEY (kept import-free here)


def on_config(config):
    if config.extra.get("bds_pregenerated"):
        return config
    from bds.web import engine

    return engine.plain_preview(config)


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


_BYTECODE: object | None = None


def _bytecode_cache():
    """The theme's templates compiled once per process: a multilingual build runs the engine once per
    language, and compiling Material's templates again each time costs about a second."""
    global _BYTECODE
    if _BYTECODE is None:
        from jinja2 import BytecodeCache

        class Memory(BytecodeCache):
            def __init__(self):
                self.code: dict[str, bytes] = {}

            def load_bytecode(self, bucket):
                if bucket.key in self.code:
                    bucket.bytecode_from_string(self.code[bucket.key])

            def dump_bytecode(self, bucket):
                self.code[bucket.key] = bucket.bytecode_to_string()

        _BYTECODE = Memory()
    return _BYTECODE


def on_env(env, config, files):
    from bds import messages

    env.bytecode_cache = _bytecode_cache()

    words = config.extra.get("bds_words")
    # Every page asks for the same texts (~90 a page) and the same JSON block: found once per engine
    # run and language, not once per page (a second of a 5,000-page build).
    texts: dict = {}

    def t(key, **params):
        try:
            found = (messages.current_language(), key, *sorted(params.items()))
            if found in texts:
                return texts[found]
        except TypeError:  # a parameter that cannot be a key: not kept
            found = None
        with messages.use(words=words):
            text = messages.t(key, **params)
        if found is not None:
            texts[found] = text
        return text

    def js_block():
        language = messages.current_language()
        if language not in texts:
            texts[language] = js_messages(words)
        return texts[language]

    env.globals["t"] = t
    env.globals["bds_js_messages"] = js_block
    env.globals["bds_languages"] = lambda page: _languages_of(config, page)
    return env


def _languages_of(config, page):
    """A multilingual site's switcher and alternates for `page` (None on a site in one language)."""
    of = config.extra.get("bds_languages")
    if of is None:
        return None
    return of(page.file.src_uri if page is not None and getattr(page, "file", None) else None)


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


def _direction(output: str, config) -> str:
    """Material says `dir` on <body>; the document's direction is <html>'s (Arabic: rtl)."""
    if config.theme.get("direction") == "rtl":
        return output.replace("<html lang=", '<html dir="rtl" lang=', 1)
    return output


def on_post_template(output_content, template_name, config):
    return _direction(output_content, config) if template_name.endswith(".html") else output_content


def on_post_page(output, page, config):
    output = _stock_fixes(output)
    output = _direction(output, config)
    finish = config.extra.get("bds_finish_page")
    if finish is not None:
        output = finish(page.file.src_uri, output)
    written = config.extra.get("bds_page_written")
    if written is not None and output.strip():  # the bytes MkDocs writes next (mkdocs.commands.build)
        written(page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))
    report = config.extra.get("bds_progress")
    if report is not None:
        _seen["pages"] += 1
        report(_seen["pages"])
    return output
