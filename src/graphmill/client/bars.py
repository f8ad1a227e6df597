"""A progress bar for ``job.wait(progress=True)``: tqdm (terminals and notebooks), else rich, else text."""

from __future__ import annotations

import sys
from typing import Any, Protocol


class Bar(Protocol):
    def update(self, percent: float, text: str) -> None: ...
    def close(self) -> None: ...


class _Tqdm:
    def __init__(self, title: str) -> None:
        from tqdm.auto import tqdm

        self._bar: Any = tqdm(total=100.0, desc=title, unit="%", bar_format="{l_bar}{bar}| {n:.1f}%{postfix}")

    def update(self, percent: float, text: str) -> None:
        self._bar.n = percent
        self._bar.set_postfix_str(text, refresh=False)
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


class _Rich:
    def __init__(self, title: str) -> None:
        from rich.progress import Progress

        self._progress: Any = Progress()
        self._progress.start()
        self._task = self._progress.add_task(title, total=100.0)

    def update(self, percent: float, text: str) -> None:
        self._progress.update(self._task, completed=percent, description=text)

    def close(self) -> None:
        self._progress.stop()


class _Text:
    """One line per change, on stderr (no extra installed)."""

    def __init__(self, title: str) -> None:
        self._title = title
        self._last = ""

    def update(self, percent: float, text: str) -> None:
        line = f"{self._title}: {percent:5.1f}% {text}"
        if line != self._last:
            print(line, file=sys.stderr, flush=True)
            self._last = line

    def close(self) -> None:
        pass


def make_bar(title: str) -> Bar:
    for kind in (_Tqdm, _Rich):
        try:
            return kind(title)
        except ImportError:
            continue
    return _Text(title)
