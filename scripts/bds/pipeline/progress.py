"""What the orchestrators tell on the progress stream while they run (stderr: the results go to stdout)."""

from __future__ import annotations

from collections.abc import Iterable


def say(sentences: Iterable[str], log) -> None:
    """One line `bds: <sentence>.` for each sentence (what recovering an interrupted run did...)."""
    for sentence in sentences:
        print(f"bds: {sentence}.", file=log, flush=True)


def seconds_text(value: float) -> str:
    """Seconds as the summaries show them: one decimal, Italian comma (12,3)."""
    return f"{value:.1f}".replace(".", ",")


class Indented:
    """A stream whose lines are indented under the step they belong to (a build inside a publication)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        lines = text.split("\n")
        return self.stream.write("\n".join(("    " + line) if line else line for line in lines))

    def flush(self) -> None:
        self.stream.flush()
