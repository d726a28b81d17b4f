"""The Textual app: the only part of roleplay that imports textual.

Importing simulator.ui.app is cheap: models load in a worker once the first frame is on screen.
"""
