"""The colours and label styles of medgui's messages, in one place.

Expected problems are shown inline, where they happened, in ``ERROR_STYLE`` (or
``WARNING_STYLE`` for a caveat that does not stop the work): Orange3's widget
messages. Views use these constants and never write a message colour themselves.
"""

from __future__ import annotations

ERROR_COLOR = "#b00020"
WARNING_COLOR = "#b35900"
MUTED_COLOR = "#555"

#: A message saying something failed: what, and what to do.
ERROR_STYLE = f"color: {ERROR_COLOR};"
#: A caveat in a box: the work went on, but read this.
WARNING_STYLE = "background: #fff4ce; border: 1px solid #e0b000; padding: 6px;"
#: A reading given with a reservation (not reliable, may not apply).
CAUTION_STYLE = f"color: {WARNING_COLOR};"
#: Secondary text: model names, notes, "Saved".
MUTED_STYLE = f"color: {MUTED_COLOR};"
#: A boxed alert beside a result that may not apply (e.g. not a chest radiograph).
ALERT_BOX_STYLE = ("QLabel { background: #fde7e9; color: #8a1c1c; border: 1px solid #e8a0a6;"
                   " border-radius: 3px; padding: 4px; }")
#: The standing decision-support notice.
NOTICE_BOX_STYLE = ("QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
                    " border-radius: 3px; padding: 4px; }")
