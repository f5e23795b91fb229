"""An organisation chart as a tree of people: size, management levels, reporting chains."""

from dataclasses import dataclass, field


@dataclass
class Person:
    name: str
    reports: list["Person"] = field(default_factory=list)

    def add(self, *people: "Person") -> "Person":
        self.reports.extend(people)
        return self


def headcount(person: Person) -> int:
    return 1 + sum(headcount(r) for r in person.reports)


def levels(person: Person) -> int:
    if not person.reports:
        return 0
    return 1 + max(levels(r) for r in person.reports)


def chain(root: Person, name: str) -> list[str] | None:
    if root.name == name:
        return [root.name]
    for report in root.reports:
        path = chain(report, name)
        if path is not None:
            return [root.name, *path]
    return None


def widest_level(root: Person) -> int:
    width, level = 0, [root]
    while level:
        width = max(width, len(level))
        level = [r for p in level for r in p.reports]
    return width
