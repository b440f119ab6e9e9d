"""Run a command and report the largest resident size of it and of every process it waited
for (its OCR workers), on the last line of stderr: ``MAXRSS <bytes>``.

    python -m tests.support.measured CMD ARGS…

A fresh parent per command, so that each command is measured alone (a process's children
usage accumulates over all the children it ever had)."""

from __future__ import annotations

import resource
import subprocess
import sys

MARKER = "MAXRSS "


def main() -> int:
    done = subprocess.run(sys.argv[1:], check=False)
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    sys.stderr.write(f"\n{MARKER}{largest}\n")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
