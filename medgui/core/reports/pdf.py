"""Draw a :class:`~medgui.core.reports.content.ReportContent` as an A4 PDF with reportlab.

Why reportlab: the CLI writes reports too and must not import Qt (an import-linter
contract), so Qt's ``QPdfWriter`` cannot serve both; reportlab is the long-standing,
maintained PDF library for Python (BSD), lays out flowing text and tables (a long
note continues on the next page), embeds TrueType fonts so every word is extractable
text, and ships its own fonts (Bitstream Vera) so output is the same on every machine.

Everything in a report that came from a file or a model card is data: it is escaped
before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from medgui.core.errors import AuditError
from medgui.core.fileio import atomic_write_bytes
from medgui.core.reports.content import NoteSegment, ReportContent

FONT, BOLD = "MedguiSans", "MedguiSans-Bold"
_TOWARD, _AWAY, _NEGATED = (255, 140, 0), (70, 130, 230), "#808080"  # as the record pane
_ALERT_BG, _ALERT_FG, _OK_BG, _OK_FG = "#fde7e9", "#8a1c1c", "#e6f4ea", "#1b5e20"
_NOTICE_BG, _NOTICE_FG = "#fff4ce", "#5c4400"


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _e(text: object) -> str:
    return escape(str(text))


def _tint(rgb: tuple[int, int, int], strength: float) -> str:
    s = max(0.0, min(1.0, strength))
    return "#" + "".join(f"{round(255 + (c - 255) * s):02x}" for c in rgb)


def _note_markup(segments: list[NoteSegment]) -> str:
    parts = []
    for seg in segments:
        text = _e(seg.text).replace("\n", "<br/>")
        if seg.redacted:
            parts.append(f'<font color="#ffffff" backColor="#404040">{text}</font>')
        elif seg.negated:
            parts.append(f'<strike><font color="{_NEGATED}">{text}</font></strike>')
        elif seg.weight:
            colour = _tint(_TOWARD if seg.weight > 0 else _AWAY, 0.15 + 0.85 * abs(seg.weight))
            parts.append(f'<font backColor="{colour}">{text}</font>')
        else:
            parts.append(text)
    return "".join(parts)


def render(content: ReportContent) -> bytes:
    """The report as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444"))
    heading = ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=10.5, leading=14,
                             spaceBefore=7, spaceAfter=3, textColor=colors.HexColor("#1f3a5f"))
    title = ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19)
    verdict = ParagraphStyle("verdict", parent=body, fontName=BOLD, fontSize=17, leading=22)
    note = ParagraphStyle("note", parent=body, fontSize=9.5, leading=14)
    width = A4[0] - 36 * mm
    flow: list = []

    when = content.created.strftime("%Y-%m-%d %H:%M %Z").strip()
    head = Table([[Paragraph(f"medgui — {_e(content.title)} report", title),
                   Paragraph(f"{_e(when)}<br/>{_e(content.user)} @ {_e(content.workstation)}",
                             ParagraphStyle("r", parent=small, alignment=2))]],
                 colWidths=[width * 0.66, width * 0.34])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.HexColor("#1f3a5f")),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 6), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [head, Spacer(1, 4)]
    flow.append(_box(Paragraph("<b>Decision support only — not a diagnosis.</b> Review the "
                               + ("image" if content.kind == "image" else "record")
                               + " yourself; see the statement at the end.", body),
                     _NOTICE_BG, _NOTICE_FG, width))

    # -- the reading ------------------------------------------------------------------
    flow.append(Paragraph("Reading", heading))
    if content.label is not None:
        colour = "#b3261e" if content.positive_class and content.label == content.positive_class else "#1b6e3a"
        flow.append(Paragraph(f'<font color="{colour}">{_e(content.label)}</font>', verdict))
    else:
        flow.append(Paragraph("No reliable label", verdict))
        if content.reason:
            flow.append(Paragraph(_e(content.reason), body))
        if content.withheld:
            flow.append(Paragraph(f"The model's own label, withheld: {_e(content.withheld)}.", body))
    rows = [[Paragraph("<b>Class</b>", body), Paragraph("<b>Probability</b>", body), ""]]
    for cls, p in content.probabilities:
        rows.append([Paragraph(_e(cls), body), Paragraph(f"{100 * p:.1f} %", body), _bar(p, width * 0.45)])
    table = Table(rows, colWidths=[width * 0.35, width * 0.17, width * 0.48])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    flow.append(table)
    flow.append(Paragraph("Calibrated probabilities: adjusted by the model's calibration map to match how "
                          "often the class was present in its validation data." if content.calibrated else
                          "Probabilities as the model gives them (not calibrated).", small))
    if content.threshold is not None:
        who = f" for {_e(content.positive_class)}" if content.positive_class else ""
        flow.append(Paragraph(f"Decision threshold: {100 * float(content.threshold):.1f} %{who} "
                              f"(the reading is {_e(content.positive_class or 'positive')} when its "
                              "probability is at least this).", body))
    else:
        flow.append(Paragraph("Decision threshold: none; the most probable class is the reading.", body))
    verdict_text = str(content.applicability.get("verdict", ""))
    warnings = [str(w) for w in content.applicability.get("warnings") or []]
    applies = verdict_text == "applies" and not warnings
    if verdict_text == "not checked":
        text = ("<b>Applicability: not checked.</b> " + _e("; ".join(warnings) or
                "this model has no applicability gate") + ".")
        flow += [Spacer(1, 4), _box(Paragraph(text, body), _NOTICE_BG, _NOTICE_FG, width)]
    else:
        text = (f"<b>Applicability: {_e(verdict_text)}.</b> "
                + ("Nothing in the input suggests the model does not apply." if applies else
                   "This reading may not apply: " + _e("; ".join(warnings) or verdict_text) + "."))
        flow += [Spacer(1, 4), _box(Paragraph(text, body), _OK_BG if applies else _ALERT_BG,
                                    _OK_FG if applies else _ALERT_FG, width)]

    # -- the input --------------------------------------------------------------------
    if content.image_png is not None:
        flow.append(Paragraph("Image" + (" and heatmap" if content.overlay_png else ""), heading))
        flow.append(_images(content, width, small))
    if content.note:
        flow.append(Paragraph("Note, with the words that drove the result", heading))
        legend = (f'<font backColor="{_tint(_TOWARD, 0.8)}"> toward the label </font>  '
                  f'<font backColor="{_tint(_AWAY, 0.8)}"> away from it </font>  '
                  f'<strike><font color="{_NEGATED}">negated finding</font></strike>  '
                  '<font color="#ffffff" backColor="#404040"> redacted </font>')
        flow += [Paragraph(legend, small), Spacer(1, 3), Paragraph(_note_markup(content.note), note)]
        if content.note_cut:
            flow.append(Paragraph("(The note is longer; only its beginning is shown.)", small))

    # -- model, input, provenance --------------------------------------------------------
    details = [
        ("Model", f"<b>{_e(content.model_ref)}</b><br/>{_e(content.model_lines[0])}<br/>{_e(content.model_lines[1])}"),
        ("Input", f"{_e(content.input_description)}<br/>sha256 {_e(content.input_sha256)}"),
    ]
    if content.identifying:
        details.append(("Patient", "<br/>".join(f"{_e(k)}: {_e(v)}" for k, v in content.identifying)))
    else:
        details.append(("Patient", "De-identified report: no patient name, ID or birth date."))
    if content.model_sha256:
        details.append(("Model file", f"sha256 {_e(content.model_sha256)}"))
    details.append(("Produced", f"{_e(when)} on workstation {_e(content.workstation)} "
                                f"by {_e(content.user)}" + (f"; {_e(content.audit_ref)}" if content.audit_ref else "")))
    grid = Table([[Paragraph(f"<b>{k}</b>", small), Paragraph(v, small)] for k, v in details],
                 colWidths=[width * 0.16, width * 0.84])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.grey),
                              ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    flow += [Paragraph("Model and provenance", heading), grid, Spacer(1, 8)]
    flow.append(KeepTogether([_box(Paragraph(f"<b>Statement.</b> {_e(content.disclaimer)}", small),
                                   _NOTICE_BG, _NOTICE_FG, width)]))

    buffer = BytesIO()

    def footer(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback signature
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(18 * mm, 10 * mm, "medgui — decision support only, not a diagnosis")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm,
                            title=f"medgui {content.title} report", author="medgui",
                            subject="Decision support only, not a diagnosis", creator="medgui")
    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _box(paragraph, background: str, border: str, width: float):  # noqa: ANN001, ANN202 - reportlab flowables
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    box = Table([[paragraph]], colWidths=[width])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(background)),
                             ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(border)),
                             ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return box


def _bar(p: float, width: float):  # noqa: ANN202 - a reportlab Drawing
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors

    d = Drawing(width, 9)
    d.add(Rect(0, 1, width, 7, fillColor=colors.HexColor("#e8e8e8"), strokeColor=None))
    d.add(Rect(0, 1, max(0.0, min(1.0, p)) * width, 7, fillColor=colors.HexColor("#3b6ea8"), strokeColor=None))
    return d


def _images(content: ReportContent, width: float, small):  # noqa: ANN001, ANN202 - reportlab types
    """The image, and beside it the heatmap over it when one was shown."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    def flowable(png: bytes, max_w: float, max_h: float):  # noqa: ANN202
        from reportlab.lib.utils import ImageReader

        iw, ih = ImageReader(BytesIO(png)).getSize()
        scale = min(max_w / iw, max_h / ih)
        return Image(BytesIO(png), width=iw * scale, height=ih * scale)

    assert content.image_png is not None
    if content.overlay_png is None:
        cells = [[flowable(content.image_png, width * 0.7, 105 * mm)]]
        widths = [width]
    else:
        half = width / 2 - 3 * mm
        cells = [[flowable(content.image_png, half, 90 * mm), flowable(content.overlay_png, half, 90 * mm)],
                 [Paragraph("The image as read", small),
                  Paragraph("Heatmap (Grad-CAM): the regions that drove the reading", small)]]
        widths = [width / 2, width / 2]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def write_pdf(content: ReportContent, path: str | Path) -> Path:
    """Render ``content`` to ``path`` (through a temporary file: never half a PDF)."""
    path = Path(path)
    data = render(content)
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise AuditError(f"the report could not be written: {exc.strerror or exc}", path=path) from exc
    return path
