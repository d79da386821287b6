"""Entry point: ``medgui`` starts the app; ``medgui COMMAND ...`` runs a headless command.

The window must appear before TensorFlow loads (~3 s to import): nothing here or in the
UI modules imports it; the analysis process loads it after the window shows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return True  # offscreen, minimal, vnc, eglfs ... need no X server
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NO_DISPLAY_HELP = """\
medgui: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open.
  - On a desktop, run medgui from a graphical session.
  - Over SSH, use `ssh -X` or run it under a virtual screen: `xvfb-run -a medgui`.
  - For batch work without a screen, use the commands: `medgui --help`
    (e.g. `medgui classify-image FOLDER --json`)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-") or args[:1] in (["-h"], ["--help"], ["--version"]):
        from medgui.cli import command_names
        from medgui.cli import main as cli_main

        if args[0] in command_names() or args[0].startswith("-"):
            return cli_main(args)
    if not _has_display():
        print(NO_DISPLAY_HELP, file=sys.stderr)
        return 2
    from medgui.ui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
