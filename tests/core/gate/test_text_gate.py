"""The record gate: non-clinical texts and notes of unknown specialties are withheld."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core import paths
from medgui.core.gate import text_negatives
from medgui.core.gate.files import read_gate
from medgui.core.gate.text_fit import build_lexicon, feature_matrix, fit_text_gate, text_flags
from medgui.core.gate.text_gate import TextGate

SHIPPED = paths.builtin_models() / "specialty-text" / "1"

RECIPE = ("Preheat the oven to 200 degrees. Toss the potatoes in olive oil with rosemary and sea salt, "
          "spread them on a tray and roast for forty minutes, turning once, until crisp and golden. "
          "Serve with a green salad and a spoonful of garlic mayonnaise.")
NOTE = ("HISTORY OF PRESENT ILLNESS: The patient is a 64-year-old man with hypertension and hyperlipidemia "
        "who presents with exertional chest pain for two weeks. EKG shows ST depression in the lateral leads. "
        "Echocardiogram shows an ejection fraction of 45%. PLAN: Cardiac catheterization, aspirin, beta-blocker "
        "and statin. Follow up in cardiology clinic.")


@pytest.fixture(scope="module")
def gate() -> TextGate:
    return TextGate.from_folder(SHIPPED)


def probs(top: float, n: int = 10) -> np.ndarray:
    p = np.full(n, (1 - top) / (n - 1))
    p[0] = top
    return p


def test_a_recipe_is_not_a_clinical_note(gate):
    for confidence in (0.3, 0.9):  # whatever the model says about it
        verdict = gate.assess(RECIPE, probs(confidence))
        assert not verdict.applicable
        assert verdict.reason == ("Not applicable: this looks like a text that is not a clinical note. "
                                  f"This model reads {gate.domain}.")


def test_a_confident_clinical_note_passes(gate):
    verdict = gate.assess(NOTE, probs(0.95))
    assert verdict.applicable and verdict.reason == ""
    assert verdict.scores["clinical_share"] > verdict.scores["lexicon_share"] * 0.2


def test_an_unsure_clinical_note_is_called_another_specialty(gate):
    verdict = gate.assess(NOTE, probs(0.12))
    assert not verdict.applicable
    assert "specialty this model does not know" in verdict.reason


def test_constructed_texts_of_every_kind_are_stopped(gate):
    for kind in text_negatives.kinds():
        texts = text_negatives.make(kind, 5, seed=9)
        stopped = [not gate.assess(t, probs(0.6)).applicable for t in texts]
        assert sum(stopped) >= 4, kind


def test_the_gate_file_is_plain_json_with_its_figures():
    meta, arrays = read_gate(SHIPPED, "text")
    assert arrays == {}
    assert 0.9 <= meta["figures"]["in_scope_pass_rate"]["test"] <= 1.0
    assert len(meta["lexicon"]) > 1000 and "patient" in meta["clinical_words"]


def test_fit_on_toy_notes_generalises_to_a_kind_left_out():
    rng = np.random.default_rng(0)
    clinical = ["patient presents with pain history of surgery examination shows tenderness plan follow up "
                f"medication {w} mg daily blood pressure normal" for w in ("aspirin", "metoprolol", "insulin")] * 30
    lexicon = build_lexicon(clinical, min_df=2, clinical_df=0.1)

    def sure(n: int) -> np.ndarray:
        return np.tile(probs(0.9, 3), (n, 1))

    x_in = feature_matrix(clinical, sure(len(clinical)), *lexicon)
    negatives = {k: feature_matrix(t, np.tile(probs(0.5, 3), (len(t), 1)), *lexicon)
                 for k in ("recipe", "legal", "sport") for t in [text_negatives.make(k, 20)]}
    meta = fit_text_gate(clinical, x_in, x_in, negatives, lexicon, pass_rate=0.95)
    assert text_flags(x_in, meta).mean() <= 0.05
    left_out = text_negatives.make("news", 20)
    assert text_flags(feature_matrix(left_out, np.tile(probs(0.5, 3), (20, 1)), *lexicon), meta).mean() >= 0.9
    assert rng is not None
