"""A text model's suggestion for a record: what it says, about which text, and what to tell.

A suggestion is advice, never the record's label by itself. The record's label is the
latest entry of its classification history, and an entry is written only when the
clinician accepts a suggestion (:func:`accept`). A suggestion describes the text that
was classified; once the text changes it is stale (:meth:`Suggestion.is_stale`) and
can no longer be accepted.

The ``classify_text`` result (a plain dict, see ``core.ml.text.classify``) says how
much of the text the model read (``n_tokens``, ``read_tokens``, ``truncated``);
:func:`reading_note` turns that into a sentence, and :func:`unreliable_reason` says
when a text could not be read because it is not in the model's language.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medgui.core.records.results import save_result
from medgui.core.records.store import Classification, RecordStore

#: Unicode name prefixes of scripts, as a reader would name them.
SCRIPTS = {
    "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
    "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic", "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari", "THAI": "Thai",
}
#: Share of letters outside the Latin script above which a text counts as "not English".
FOREIGN_SHARE = 0.5


@dataclass(frozen=True)
class Suggestion:
    """The result of classifying ``text`` (the record's text at the time) for ``record_id``."""

    record_id: int
    text: str
    result: Mapping[str, Any]

    @property
    def label(self) -> str | None:
        """The suggested label; None when the model could not classify reliably."""
        if not self.result.get("reliable", True):
            return None
        label = self.result.get("label")
        return None if label is None else str(label)

    @property
    def probability(self) -> float | None:
        probabilities = self.result.get("probabilities") or {}
        value = probabilities.get(self.label) if self.label is not None else None
        return None if value is None else float(value)

    @property
    def model(self) -> str:
        """``name@version`` of the model that made it."""
        name, version = self.result.get("model_name"), self.result.get("model_version")
        if name and version not in (None, ""):
            return f"{name}@{version}"
        return str(self.result.get("model") or "")

    def is_stale(self, text: str) -> bool:
        """True when the record's text is no longer the text that was classified."""
        return text != self.text

    def can_accept(self, text: str) -> bool:
        """A reliable label about the current ``text``: the clinician may accept it."""
        return self.label is not None and not self.is_stale(text)

    def notes(self) -> list[str]:
        """What the clinician should know beside the suggestion (how much was read...)."""
        out = [reading_note(self.result)]
        out += [f"Note: {w}." for w in self.result.get("warnings") or [] if str(w).strip()]
        return [n for n in out if n]


def accept(store: RecordStore, suggestion: Suggestion) -> Classification:
    """Make the suggestion the record's label: append it to the record's history."""
    if suggestion.label is None:
        raise ValueError("an unreliable result has no label to accept")
    return save_result(store, suggestion.record_id, suggestion.result)


def words_read(result: Mapping[str, Any]) -> tuple[int | None, int] | None:
    """``(words read, words in the text)`` when the model read only the start of the text.

    None when it read every word. The number read is None when the result does not
    say it (``read_tokens``).
    """
    total = int(result.get("n_tokens") or 0)
    if not result.get("truncated"):
        return None
    read = result.get("read_tokens")  # absent from results made before it was reported
    return (int(read) if read else None), total


def unread_from(result: Mapping[str, Any]) -> int | None:
    """Character offset in the classified text where the words the model did not read begin."""
    extent = words_read(result)
    tokens = result.get("tokens") or []
    if extent is None or extent[0] is None or extent[0] >= len(tokens):
        return None
    return int(tokens[extent[0]].get("start", 0))


def reading_note(result: Mapping[str, Any]) -> str:
    """"Only the first N words were read" when the model did not read the whole text."""
    extent = words_read(result)
    if extent is None:
        return ""
    read, total = extent
    if read is None:
        return ("Only the first part of the text was read (the model reads a few hundred "
                "words); the rest did not count and is not highlighted.")
    return (f"Only the first {read:,} words were read (of {total:,}); the rest of the text "
            "did not count and is not highlighted.")


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are in when it is not Latin (e.g. "Chinese")."""
    scripts: Counter[str] = Counter()
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        first = unicodedata.name(ch, "").split(" ", 1)[0]
        if first != "LATIN":
            scripts[SCRIPTS.get(first, "another")] += 1
    if not letters or sum(scripts.values()) / letters <= FOREIGN_SHARE:
        return None
    return scripts.most_common(1)[0][0]


def unreliable_reason(text: str, result: Mapping[str, Any]) -> str:
    """Why the model gave no label, in words that fit ``text``.

    The model's own reason ("add more of the clinical description") misleads when the
    text is in a script the model does not read: then that is said instead.
    """
    reason = str(result.get("reason") or "no reason given")
    script = dominant_script(text)
    if script is None:
        return reason
    what = f"in {script} script" if script != "another" else "in a script other than English"
    return (f"Cannot classify: the model reads English clinical notes, and this text is mostly "
            f"{what}. A model trained on notes in that language is needed.")
