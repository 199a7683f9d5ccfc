"""`bds publish`: the coordinators' quarterly publication, all or nothing.

Stages, one module each:
- `quarter`: the quarter label (2026Q4), its days, the default «today»;
- `bulletin`: the quarter's bulletin as data (catalogue figures only) and its pages (pure functions);
- `archive`: stored bulletins in `content/bulletins/` (the data every later build renders again);
- `provider`: the site page provider that renders every stored bulletin and the bulletins index;
- `freshness_report`: the coordinators' «da verificare» list as HTML and CSV (pure functions);
- `staging`: outputs written aside and swapped in together at the end;
- `run`: the orchestration (validate, outcome data, site, private report, freshness, swap).
"""
