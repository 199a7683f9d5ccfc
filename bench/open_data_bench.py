"""CPU of the open-data files (`bds.web.pages.open_data_files`) and of what each listing page asks of
the open-data modules (JSON-LD, the calendar link), in one process.

    python bench/open_data_bench.py PROJECT [--today 2026-06-01] [--repeat 3]

PROJECT: e.g. one written by `bds.web.synthetic.write_project(root, listings=5000, partners=100,
today=...)`. The listings' descriptions are rendered first, as the search index does before the
open-data provider runs in `bds build`, so the figures leave out the Markdown both share. Each figure
is the least CPU time (`time.process_time`) of `--repeat` runs, every run with an empty `ctx.cache`:
a file alone builds what it shares with the others (the HSDS services, the events), so the files'
figures add up to more than the whole. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from bds import messages, validate, vocabulary  # noqa: E402
from bds.content import Project  # noqa: E402
from bds.web import exports, generate, ical, jsonld, pages, render  # noqa: E402
from bds.web.text import plain_text  # noqa: E402

PARTS = {
    "tables (CSV)": exports.table_files,
    "opportunita.json": exports.listings_json,
    "datapackage.json": exports.datapackage,
    "hsds.json": exports.hsds,
    "hsds-taxonomy.json": exports.hsds_taxonomy,
    "hsds/ (tables)": exports.hsds_tabular,
    "opportunita.ics": exports.calendar,
    "novita.xml": exports.rss,
    "calendario/*.ics": ical.listing_files,
}


def _least(run, ctx, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        ctx.cache.clear()
        gc.collect()
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def _listing_calls(ctx) -> tuple:
    records = sorted(ctx.open_records, key=lambda record: record.id)

    def json_ld():
        for record in records:
            partner = ctx.partners.get(record.partner_id)
            url = ctx.url(f"opportunita/{record.id}/")
            data = jsonld.for_listing(record, partner, ctx.territory, ctx.labels, url, ctx.review_days)
            jsonld.script_tag(data)

    def calendar_links():
        for record in records:
            render.calendar_link(record, ctx, "opportunita/x.md")

    return len(records), json_ld, calendar_links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--today", default="2026-06-01")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today)
    content = validate.run(Project(args.project), today=today).content
    with messages.use(words=vocabulary.of(content.territory.data)):
        ctx = generate.context_from_content(content, today, inline_qr=False)
        with messages.use(words=ctx.labels.words):
            for item in ctx.listings:
                plain_text(str(item.get("description", "")))
            for partner in ctx.partners.values():
                plain_text(str(partner.get("description", "")))
            whole = _least(lambda: pages.open_data_files(content, ctx), ctx, args.repeat)
            for name, part in PARTS.items():
                print(f"{name:22} {_least(lambda part=part: part(ctx), ctx, args.repeat):7.3f} s")
            print(f"{'open_data_files':22} {whole:7.3f} s")
            count, json_ld, calendar_links = _listing_calls(ctx)
            print(f"{'JSON-LD, ' + str(count) + ' listings':22} {_least(json_ld, ctx, args.repeat):7.3f} s")
            print(f"{'calendar links':22} {_least(calendar_links, ctx, args.repeat):7.3f} s")


if __name__ == "__main__":
    main()
