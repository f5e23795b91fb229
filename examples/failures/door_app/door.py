"""A garage door controller driven by a transition table. Bug: the ("opening", "stop") entry sends
the door to "closed" instead of "stopped"."""

TRANSITIONS = {
    ("closed", "open"): "opening",
    ("opening", "done"): "open",
    ("opening", "stop"): "closed",
    ("open", "close"): "closing",
    ("closing", "done"): "closed",
    ("closing", "stop"): "stopped",
    ("stopped", "open"): "opening",
}


class Door:
    def __init__(self) -> None:
        self.state = "closed"

    def press(self, event: str) -> str:
        key = (self.state, event)
        if key not in TRANSITIONS:
            raise ValueError(f"{event!r} is not allowed while {self.state}")
        self.state = TRANSITIONS[key]
        return self.state
