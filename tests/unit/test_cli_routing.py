"""`bordereau FACTURE.pdf` is `bordereau gui FACTURE.pdf`."""

from __future__ import annotations


def test_a_bare_pdf_opens_the_window_with_it() -> None:
    import argparse

    from app.cli import COMMANDS, build_parser, route_bare_files

    parser = build_parser()
    [subcommands] = [
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    ]
    assert set(COMMANDS) == set(subcommands.choices)
    routed = route_bare_files(["--data-dir", "d", "Facture.PDF"], COMMANDS)
    assert routed == ["--data-dir", "d", "gui", "Facture.PDF"]
    args = parser.parse_args(routed)
    assert args.command == "gui" and [str(f) for f in args.files] == ["Facture.PDF"]
    assert route_bare_files(["deposit", "f.pdf"], COMMANDS) == ["deposit", "f.pdf"]
