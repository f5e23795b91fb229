"""A small INI reader: sections, key = value pairs, comments, typed look-ups."""


class ConfigError(ValueError):
    pass


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), {})
        elif "=" in line and current is not None:
            key, value = (part.strip() for part in line.split("=", 1))
            current[key] = value
        else:
            raise ConfigError(f"line {lineno}: cannot read {raw!r}")
    return sections


class Config:
    def __init__(self, text: str) -> None:
        self.sections = parse_ini(text)

    def section(self, name: str) -> dict[str, str]:
        return self.sections.get(name)

    def get_bool(self, name: str, key: str, default: bool = False) -> bool:
        value = self.sections.get(name, {}).get(key)
        return default if value is None else value.lower() in ("1", "yes", "true", "on")
