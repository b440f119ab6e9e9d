"""The program's entry (``bordereau``, the installers, ``python -m ui``): the window when no
command is given or files are, the command line of ``app.cli`` otherwise."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def open_window(args: argparse.Namespace) -> int:
    from ui.application import run_gui

    return run_gui(
        data_dir=args.data_dir,
        database_url=args.database_url,
        exit_when_ready=getattr(args, "exit_when_ready", False),
        files=getattr(args, "files", []) or [],
        verbose=args.verbose,
    )


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli import main as run_command

    return run_command(argv, open_window=open_window)


if __name__ == "__main__":
    sys.exit(main())
