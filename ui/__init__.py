"""The PySide6 user interface. Talks to ``app.services``, never to the database or HTTP."""
