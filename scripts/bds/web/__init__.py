"""The public static site: pure renderers from records to pages, plus a thin engine adapter.

Stages, one module each:
- `model`: which listings are open, labels, facets (plain dicts in, plain dicts out);
- `text`: Markdown to sanitised HTML, escaping, glossary terms;
- `page`: `Page`, what a renderer returns (title, body, search and layout wishes, in no engine's terms);
- `render`: one function per page type, returning a `Page` (its body finished HTML);
- `jsonld`, `qr`, `exports`: structured data, QR codes, open data files;
- `pages`: the provider registry (`PAGE_PROVIDERS`) that turns content into output files;
- `generate`: runs the providers and writes a docs folder;
- `engine`: the engine adapter, with `mkdocs_hook` the only modules that know MkDocs/Material
  (the configuration's safety check, Page to engine input, load, strict build, serve);
- `build`: validate, generate, build into a temporary folder, swap it in.
"""
