"""The practice screen's messages: one exchange's life, from the scored line to the reply."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from simulator.engine.session import TenantTurn, TraineeTurn


class TraineeScored(Message):
    def __init__(self, turn: TraineeTurn) -> None:
        super().__init__()
        self.turn = turn


class ReplyStarted(Message):
    pass


class ReplyChunk(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ReplyComplete(Message):
    def __init__(self, reply: TenantTurn) -> None:
        super().__init__()
        self.reply = reply


class ReplyFailed(Message):
    """The exchange did not happen (error or Escape); the trainee's draft goes back in the input."""

    def __init__(self, draft: str, said: bool, error: str | None) -> None:
        super().__init__()
        self.draft, self.said, self.error = draft, said, error


@dataclass
class Exchange:
    text: str
    items: int  # chat items this exchange added (trainee line + tenant reply)
