"""The web console's built files (``static/``), served by ``graphmill serve`` at ``/``.

Sources live in the repository's ``web/`` folder; ``make web`` rebuilds ``static/``.
"""
