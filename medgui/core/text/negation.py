"""NegEx-style recognition of negated findings in clinical text.

After Chapman et al. (2001), "A simple algorithm for identifying negated findings and
diseases in discharge summaries": a *trigger* ("no", "denies", "negative for" ...)
negates the words that follow it (a *post* trigger such as "was ruled out" the words
before it) up to the end of the scope. A scope ends at a sentence or clause mark
(. ; : ! ? or a line break), at a conjunction that changes the subject ("but",
"however" ...), at another trigger, or after ``MAX_SCOPE`` words. Commas do not end a
scope, so every item of "denies fever, chills or cough" is negated. *Pseudo-triggers*
look like triggers but do not negate ("no increase", "not only", "without difficulty").

Pure Python: the record pane and the classifier both use it, neither needs TensorFlow.
Words are found with ``textprep.tokenize``, so Chinese triggers (否认, 无, 未见 ...) work
character by character like the classifier's tokens.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from medgui.core.text.tokens import Token, tokenize

MAX_SCOPE = 6  # words; list glue ("or", "and", "nor") does not count

PRE_TRIGGERS = [
    "no", "not", "denies", "denied", "denying", "deny", "without", "never",
    "negative for", "no evidence of", "no evidence for", "no signs of", "no sign of",
    "no history of", "no complaints of", "ruled out", "rules out", "rule out", "free of",
    "absence of", "absent", "fails to reveal",
    "无", "没有", "否认", "未见", "未", "排除",
]
POST_TRIGGERS = [
    "was ruled out", "were ruled out", "is ruled out", "are ruled out", "has been ruled out",
    "have been ruled out", "is negative", "was negative", "were negative", "are negative",
    "unlikely", "is absent", "was absent", "were absent", "not seen",
]
PSEUDO_TRIGGERS = [
    "no increase", "no change", "no significant change", "no interval change", "no further",
    "not only", "not necessarily", "not certain if", "not certain whether", "without difficulty",
    "without any difficulty", "gram negative", "not ruled out", "not been ruled out",
    "no suspicious change", "not drain",
]
# Words that end a scope: what follows is a new statement.
SCOPE_BREAKS = {"but", "however", "although", "though", "except", "yet", "nevertheless", "aside", "apart", "which", "who", "still",
    "has", "had", "reports", "complains", "presents", "states", "但", "但是", "然而"}
LIST_GLUE = {"or", "and", "nor", "any", "a", "an", "the"}
CLAUSE_MARKS = set(".;:!?\n。；：！？")


@dataclass(frozen=True)
class NegatedSpan:
    """Characters ``start:end`` of the text are negated by ``trigger`` (at its own offsets)."""

    start: int
    end: int
    trigger: str
    trigger_start: int
    trigger_end: int


def _phrases(items: Sequence[str]) -> list[tuple[str, ...]]:
    # Longest first, so "no evidence of" wins over "no" and "was ruled out" over "ruled out".
    return sorted((tuple(tok.text for tok in tokenize(p)) for p in items), key=len, reverse=True)


_PRE = _phrases(PRE_TRIGGERS)
_POST = _phrases(POST_TRIGGERS)
_PSEUDO = _phrases(PSEUDO_TRIGGERS)


def _match(words: list[str], i: int, phrases: list[tuple[str, ...]]) -> int:
    """Length of the longest phrase starting at word ``i`` (0 if none)."""
    for phrase in phrases:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _breaks_between(text: str, left: Token, right: Token) -> bool:
    return any(ch in CLAUSE_MARKS for ch in text[left.end : right.start])


def find_negations(text: str) -> list[NegatedSpan]:
    """Negated spans of ``text``, in order, with character offsets into ``text``.

    >>> [text[s.start:s.end] for text in ["Chest pain but no fever."] for s in find_negations(text)]
    ['fever']
    """
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    triggers: list[tuple[int, int, str]] = []  # (first word, n words, "pre"|"post")
    i = 0
    while i < len(words):
        n = _match(words, i, _PSEUDO)
        if n:
            i += n
            continue
        post, pre = _match(words, i, _POST), _match(words, i, _PRE)
        if post >= pre and post:
            triggers.append((i, post, "post"))
            i += post
        elif pre:
            triggers.append((i, pre, "pre"))
            i += pre
        else:
            i += 1
    starts = {t[0] for t in triggers}
    spans = []
    for first, n, kind in triggers:
        scope: list[Token] = []
        if kind == "pre":
            j, counted = first + n, 0
            prev = tokens[first + n - 1]
            while j < len(tokens) and counted < MAX_SCOPE:
                tok = tokens[j]
                if _breaks_between(text, prev, tok) or tok.text in SCOPE_BREAKS or (j in starts and scope):
                    break
                scope.append(tok)
                counted += tok.text not in LIST_GLUE
                prev, j = tok, j + 1
        else:
            j, counted = first - 1, 0
            nxt = tokens[first]
            while j >= 0 and counted < MAX_SCOPE:
                tok = tokens[j]
                if _breaks_between(text, tok, nxt) or tok.text in SCOPE_BREAKS or any(
                    t[0] <= j < t[0] + t[1] for t in triggers
                ):
                    break
                scope.insert(0, tok)
                counted += tok.text not in LIST_GLUE
                nxt, j = tok, j - 1
        # Glue words at the edges are not findings ("no fever or" -> "fever").
        while scope and scope[-1].text in LIST_GLUE:
            scope.pop()
        while scope and scope[0].text in LIST_GLUE:
            scope.pop(0)
        if scope:
            trig = tokens[first : first + n]
            spans.append(NegatedSpan(
                scope[0].start, scope[-1].end, text[trig[0].start : trig[-1].end].lower(), trig[0].start, trig[-1].end,
            ))
    return sorted(spans, key=lambda s: s.start)


def is_negated(spans: Sequence[NegatedSpan], offset: int) -> bool:
    """True when the character at ``offset`` lies in one of ``spans`` (sorted by start)."""
    k = bisect.bisect_right([s.start for s in spans], offset)
    return any(spans[m].start <= offset < spans[m].end for m in range(k))


if __name__ == "__main__":
    import sys

    sample = " ".join(sys.argv[1:]) or "Patient denies chest pain. No evidence of pneumonia but mild fever."
    for span in find_negations(sample):
        print(f"{span.trigger!r:>20} -> {sample[span.start:span.end]!r}")
