"""`classify-image` and `classify-text` withhold readings their model's gate rejects:
``reliable`` false, ``label`` null, a ``reason``, the probabilities kept; JSON and CSV alike."""

from __future__ import annotations

import csv
import json

import cv2
import numpy as np
import pytest

from medgui.cli import main
from medgui.core import paths

SAMPLES = paths.RESOURCES / "samples"


@pytest.mark.slow
def test_classify_image_withholds_noise_and_reads_a_film(tmp_path, capsys):
    noise = tmp_path / "noise.png"
    cv2.imwrite(str(noise), np.random.default_rng(0).integers(0, 256, (256, 256), dtype=np.uint8))
    film = SAMPLES / "kermany_normal_IM-0117-0001.jpeg"
    out_csv = tmp_path / "out.csv"
    status = main(["classify-image", str(noise), str(film), "--json", "--no-progress", "--csv", str(out_csv)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0  # a withheld reading is a result, not a failure
    by_path = {r["path"]: r for r in rows}
    bad, good = by_path[str(noise)], by_path[str(film)]
    assert bad["reliable"] is False and bad["label"] is None
    assert bad["reason"].startswith("Not applicable: this looks like ")
    assert set(bad["probabilities"]) == {"NORMAL", "PNEUMONIA"}
    assert good["reliable"] is True and good["label"] in ("NORMAL", "PNEUMONIA") and good["reason"] == ""
    with open(out_csv, newline="") as fh:
        table = list(csv.DictReader(fh))
    cells = {r["path"]: r for r in table}
    assert cells[str(noise)]["reliable"] == "false" and cells[str(noise)]["label"] == ""
    assert cells[str(noise)]["reason"] == bad["reason"]
    assert cells[str(film)]["reliable"] == "true" and cells[str(film)]["reason"] == ""


@pytest.mark.slow
def test_classify_text_withholds_a_non_clinical_paragraph(tmp_path, capsys):
    text = tmp_path / "match.txt"
    text.write_text("The home side scored twice in the second half to win the cup final 2-0. The captain lifted "
                    "the trophy in front of forty thousand fans, and the coach praised the team's spirit after a "
                    "difficult season with several players out through suspension.")
    status = main(["classify-text", str(text), "--json", "--model", "specialty-text@1"])
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert status == 0
    assert row["reliable"] is False and row["label"] is None
    assert row["reason"] == ("Not applicable: this looks like a text that is not a clinical note. This model reads "
                             "clinical notes of these specialties: " + ", ".join(row["probabilities"]) + ".")
