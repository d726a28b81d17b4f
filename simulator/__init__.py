"""roleplay: a local training simulator for conversations at the front door.

Importing this package stays light: no textual, torch, transformers or sentence_transformers.
"""

__version__ = "0.1.0"
