"""MkDocs hook: the thin engine glue for `bds serve` (and a plain `mkdocs serve`).

`bds build` generates the pages itself and marks the config (`extra.bds_pregenerated`), so
this hook then only reports progress. In a preview it regenerates the pages from the project on
every rebuild (content/ and opportunities/ are watched).
"""


def on_config(config):
    if config.extra.get("bds_pregenerated"):
        return config
    from bds.site import preview

    return preview.configure(config)


_seen = {"pages": 0}


def on_pre_build(config):
    _seen["pages"] = 0


def on_post_page(output, page, config):
    report = config.extra.get("bds_progress")
    if report is not None:
        _seen["pages"] += 1
        report(_seen["pages"])
    return output
