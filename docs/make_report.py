"""Render the README's example reading report from the command line the clinic uses.

    python docs/make_report.py CHEST.dcm [OUT.png] [--dpi 80]

Copies the DICOM into a temporary folder with a made-up patient name, runs
``medgui classify-image COPY --report DIR`` (the active image model: the shipped
``pneumonia-cnn`` on a fresh install) with a temporary medgui home, checks the PDF's
text names the model and not the patient, and renders page 1 to PNG with pdftoppm
(poppler-utils).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MADE_UP_NAME = "Specimen^Patricia"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dicom", type=Path)
    parser.add_argument("out", type=Path, nargs="?", default=Path(__file__).with_name("report-image.png"))
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()

    import pydicom

    with tempfile.TemporaryDirectory(prefix="medgui-report-") as tmp:
        work = Path(tmp)
        os.environ["MEDGUI_HOME"] = str(work / "home")  # the user's audit trail stays untouched
        ds = pydicom.dcmread(args.dicom)
        ds.PatientName = MADE_UP_NAME
        scan = work / "scan.dcm"
        ds.save_as(scan)

        from medgui.cli import main as medgui

        status = medgui(["classify-image", str(scan), "--report", str(work / "out"), "--no-progress"])
        if status != 0:
            return status
        (pdf,) = (work / "out").glob("*.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert MADE_UP_NAME.split("^")[0] not in text, "the patient's name is in the report"
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", "-singlefile", str(pdf),
                        str(work / "page")], check=True)
        shutil.copyfile(work / "page.png", args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
