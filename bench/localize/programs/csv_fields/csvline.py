"""Splits one CSV record into fields: quoted fields, doubled quotes, a custom separator."""


class CsvError(ValueError):
    pass


def split_record(line: str, sep: str = ",") -> list[str]:
    fields: list[str] = []
    field: list[str] = []
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < len(line) and line[i] == '"':
                    field.append('"')
                    i += 1
                else:
                    in_quotes = False
            else:
                field.append(ch)
        elif ch == '"' and not field:
            in_quotes = True
        elif ch == sep:
            fields.append("".join(field))
            field = []
        else:
            field.append(ch)
        i += 1
    if in_quotes:
        raise CsvError(f"unclosed quote in {line!r}")
    fields.append("".join(field))
    return fields


def parse(text: str, sep: str = ",") -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip()]
    header = split_record(lines[0], sep)
    return [dict(zip(header, split_record(line, sep))) for line in lines[1:]]
