"""A local Chorus Pro: the same HTTP API on 127.0.0.1, for demo mode and tests.

It depends only on ``app.domain`` and the protocol schemas of ``app.chorus``: a second,
independent party speaking the same protocol, not a back door into the client.
"""
