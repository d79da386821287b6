from __future__ import annotations

from medgui.core.text.tokens import is_cjk, normalize_for_model, normalize_whitespace, tokenize


def test_english_tokens_are_lowercased_words_with_offsets_into_the_original():
    text = "Pt. DENIES chest-pain (x2), BP 120/80."
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["pt", "denies", "chest", "pain", "x2", "bp", "120", "80"]
    for tok in tokens:
        assert text[tok.start : tok.end].casefold() == tok.text
    assert normalize_for_model(text) == "pt denies chest pain x2 bp 120 80"


def test_chinese_text_yields_one_token_per_character():
    text = "患者胸痛三天。"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == list("患者胸痛三天")
    assert [(t.start, t.end) for t in tokens] == [(i, i + 1) for i in range(6)]
    assert normalize_for_model(text) == "患 者 胸 痛 三 天"


def test_japanese_kana_and_kanji_are_split_too():
    assert normalize_for_model("胸痛があります") == "胸 痛 が あ り ま す"


def test_mixed_text_keeps_latin_words_whole_and_splits_cjk():
    text = "CT示肺炎 pneumonia, 2天"
    assert [t.text for t in tokenize(text)] == ["ct", "示", "肺", "炎", "pneumonia", "2", "天"]
    tok = tokenize(text)[4]
    assert text[tok.start : tok.end] == "pneumonia"


def test_nfkc_and_combining_marks():
    # Full-width letters become ASCII; a decomposed accent stays inside its word.
    assert normalize_for_model("ＡＢＣ　ｄｅｆ") == "abc def"
    text = "cafe\u0301 ok"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == ["cafe\u0301", "ok"]
    assert tokens[0].text == "café"


def test_underscores_and_punctuation_only_are_separators():
    assert normalize_for_model("a_b -- ... !!") == "a b"
    assert tokenize("") == []
    assert normalize_for_model(" \n\t") == ""


def test_is_cjk_and_whitespace_key():
    assert is_cjk("肺") and is_cjk("カ") and not is_cjk("a") and not is_cjk("한")
    assert normalize_whitespace("  a \n b\t") == "a b"
