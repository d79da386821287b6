"""Text normalisation and tokenisation shared by text-model training and inference.

The saved Keras model may contain no Python code (it is loaded with ``safe_mode``), so
its ``TextVectorization`` layer only splits on whitespace. Everything language-aware
happens here, before the layer, in plain Python:

- words are runs of letters, digits and combining marks; everything else separates;
- each Chinese character, kana and CJK ideograph is a token of its own, because
  Chinese and Japanese do not put spaces between words (without this a whole
  sentence would become one out-of-vocabulary token);
- every token is NFKC-normalised (full-width letters become ASCII, compatibility
  ideographs their unified form) and case-folded.

``tokenize`` keeps each token's character offsets in the *original* text, so the
words that drove a prediction can be highlighted where the user typed them.
Training and inference both call ``normalize_for_model``; a model card records
``NORMALIZER`` so a model is never fed text prepared another way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Bumped whenever the output of ``normalize_for_model`` changes for some input.
NORMALIZER = "medgui-textprep-1"

#: The most characters of one text that classification reads; the rest is cut off, and
#: the result says so (:func:`truncation_warning`). A text model reads only its first
#: ``seq_len`` tokens (300 for the shipped one: about 2,000 characters of prose) and
#: attribution weighs only those; the margin allows for tables, lists and white space
#: between the words. It also bounds the cost of tokenising and of the negation scan:
#: a fraction of a second, where a 20 MB note took over a minute and 2 GB of memory.
#: Files are read only as far as needed (about 4 bytes per character at most).
MAX_TEXT_CHARS = 100_000


def truncation_warning(limit: int = MAX_TEXT_CHARS) -> str:
    """The warning given with a result when a text was cut to ``limit`` characters."""
    return (f"the text is longer than {limit:,} characters; only the first {limit:,} were "
            "read (the model uses only the first few hundred words)")

# Scripts written without spaces between words: one token per character.
_CJK_RANGES = (
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9D),  # Half-width Katakana
    (0x20000, 0x3FFFF),  # Extensions B and later
)


@dataclass(frozen=True)
class Token:
    """One token: its normalised form and where it lies in the original text."""

    text: str  # normalised (what the model sees)
    start: int  # offset of the first character in the original text
    end: int  # offset one past the last character


def is_cjk(ch: str) -> bool:
    """True for a character of a script written without spaces (Chinese, Japanese)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _is_word_char(ch: str) -> bool:
    # Combining marks belong to the word they decorate ("cafe\u0301" is one word).
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _normalise_token(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).casefold()
    # NFKC may turn one character into several, some of them punctuation ("½" ->
    # "1⁄2"); keep only what is a word character, so a token never contains a space.
    return "".join(ch for ch in text if _is_word_char(ch))


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into normalised tokens with offsets into ``text``.

    Parameters
    ----------
    text
        Any Unicode text.

    Returns
    -------
    list of Token
        In reading order. ``text[tok.start:tok.end]`` is the token as written.
    """
    tokens: list[Token] = []
    start = -1
    for i, ch in enumerate(text):
        if is_cjk(ch):
            if start >= 0:
                _append(tokens, text, start, i)
                start = -1
            _append(tokens, text, i, i + 1)
        elif _is_word_char(ch) and ch != "_":
            if start < 0:
                start = i
        elif start >= 0:
            _append(tokens, text, start, i)
            start = -1
    if start >= 0:
        _append(tokens, text, start, len(text))
    return tokens


def _append(tokens: list[Token], text: str, start: int, end: int) -> None:
    norm = _normalise_token(text[start:end])
    if norm:
        tokens.append(Token(norm, start, end))


def normalize_for_model(text: str) -> str:
    """The string a text model's vectoriser receives: tokens joined by single spaces.

    >>> normalize_for_model("No evidence of PNEUMONIA, 肺炎.")
    'no evidence of pneumonia 肺 炎'
    """
    return " ".join(tok.text for tok in tokenize(text))


def normalize_whitespace(text: str) -> str:
    """Collapse runs of whitespace: the key under which duplicate texts are found."""
    return " ".join(text.split())
