"""Session reports: `.smart-debug/reports/<time>-<slug>.{md,json,html}` (DESIGN.md "Contracts").

`model.py` declares the report (the JSON file is its dump; `report.schema.json` beside it is the
documented schema, versioned by `REPORT_VERSION`); `markdown.py` and `html.py` render it (the
HTML page is self-contained: inline CSS and SVG, no script, no network); `files.py` names,
writes, finds and extends them.
"""
