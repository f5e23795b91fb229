"""Imports a customer export. Bug: the legacy CRM writes the export in Windows-1252, the importer
reads it as UTF-8 -> UnicodeDecodeError on the first accented name."""

from pathlib import Path

EXPORT = Path(__file__).with_name("data") / "customers_export.csv"


def load_customers(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8")
    return [line.split(";") for line in text.splitlines()[1:]]


if __name__ == "__main__":
    for row in load_customers(EXPORT):
        print(row)
