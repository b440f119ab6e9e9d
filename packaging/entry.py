"""The frozen program's entry point: ``multiprocessing.freeze_support()`` first, so that the
OCR process pool's children run the worker rather than a second copy of the app."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from ui.main import main

    sys.exit(main())
