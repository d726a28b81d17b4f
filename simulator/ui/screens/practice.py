"""Practice: briefing, the conversation, mood and feedback; the tenant streams from a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from simulator.ui.i18n import label
from simulator.ui.names import field
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.chat import ChatItem, ChatView
from simulator.ui.widgets.feedback import FeedbackPanel
from simulator.ui.widgets.mood import MoodPanel
from simulator.ui.widgets.status import StatusLine


class TraineeScored(Message):
    def __init__(self, turn: Any) -> None:
        super().__init__()
        self.turn = turn


class ReplyStarted(Message):
    pass


class ReplyChunk(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ReplyComplete(Message):
    def __init__(self, reply: Any) -> None:
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


class PracticeScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "hint", "hint", priority=True),
        Binding("ctrl+r", "retry", "retry", priority=True),
        Binding("ctrl+e", "end", "end", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(self, *, persona_id: str, scenario_id: str, trainee: str, mode: str,
                 consent: bool = False) -> None:
        super().__init__()
        self.consent = consent
        self.persona_id, self.scenario_id = persona_id, scenario_id
        self.trainee, self.mode = trainee, mode
        self.session: Any = None
        self.busy = False
        self.exchanges: list[Exchange] = []
        self._reply_item: ChatItem | None = None

    def compose(self) -> ComposeResult:
        scenario = self.app.library.scenarios[self.scenario_id]
        yield Static(f"[b]{self.tr('briefing')}:[/b] {label(scenario.briefing, self.lang)}",
                     id="briefing")
        with Horizontal(id="practice-main"):
            yield ChatView(id="chat")
            with Vertical(id="side"):
                yield MoodPanel(self.lang, id="mood")
                yield FeedbackPanel(self.lang, id="feedback")
        yield Input(placeholder=self.tr("say_placeholder"), id="say")
        yield StatusLine(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        self.session = self.app.session_factory(
            library=self.app.library, persona_id=self.persona_id, scenario_id=self.scenario_id,
            lang=self.lang, trainee=self.trainee, mode=self.mode, consent=self.consent,
            store=self.app.store,
        )
        persona = self.app.library.personas[self.persona_id]
        self.tenant_name = label(persona.name, self.lang)
        await self.chat.add("tenant", self.tenant_name, self.session.opening)
        self.mood.show(self.session.state, self.session.stance)
        if self.mode == "assessment":
            self.feedback.show_note(self.tr("assessment_note"))
        self.query_one("#say", Input).focus()

    @property
    def chat(self) -> ChatView:
        return self.query_one("#chat", ChatView)

    @property
    def mood(self) -> MoodPanel:
        return self.query_one("#mood", MoodPanel)

    @property
    def feedback(self) -> FeedbackPanel:
        return self.query_one("#feedback", FeedbackPanel)

    @property
    def say_input(self) -> Input:
        return self.query_one("#say", Input)

    def palette_commands(self):
        from textual.app import SystemCommand

        for action in ("hint", "retry", "end"):
            yield SystemCommand(self.tr(action), self.tr(action), getattr(self, f"action_{action}"))

    # --- the exchange: trainee line -> scorer/director -> streamed tenant reply ---------------

    @on(Input.Submitted, "#say")
    async def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.busy or self.session.finished:
            return
        self._lock(True)
        self.say_input.value = ""
        await self.chat.add("trainee", self.tr("you"), text)
        self.exchanges.append(Exchange(text, 1))
        self.exchange(text)

    @work(thread=True, exclusive=True, group="tenant", exit_on_error=False)
    def exchange(self, text: str) -> None:
        worker = get_current_worker()
        if self.app.warm_up_models:
            self.app.hub.ready.wait()  # blocks this thread only, never the event loop
        try:
            turn = self.session.say(text)
        except Exception as err:  # noqa: BLE001 - the scorer (or the store) failed mid-way
            said = bool(getattr(self.session, "awaiting_reply", False))
            self.post_message(ReplyFailed(text, said, str(err)))
            return
        self.post_message(TraineeScored(turn))
        if worker.is_cancelled:
            self.post_message(ReplyFailed(text, True, None))
            return
        self.post_message(ReplyStarted())
        try:
            reply = self.session.reply(
                on_chunk=lambda chunk: self.post_message(ReplyChunk(chunk)),
                should_stop=lambda: worker.is_cancelled,
            )
        except Exception as err:  # noqa: BLE001 - the engine falls back to authored lines; this is a last resort
            cancelled = type(err).__name__ == "ReplyCancelled"
            self.post_message(ReplyFailed(text, True, None if cancelled else str(err)))
            return
        if worker.is_cancelled:
            self.post_message(ReplyFailed(text, True, None))
        else:
            self.post_message(ReplyComplete(reply))

    def on_trainee_scored(self, message: TraineeScored) -> None:
        turn = message.turn
        self.mood.show(field(turn, "state"), field(turn, "stance"))
        if self.mode == "practice":
            self.feedback.show_feedback(field(turn, "feedback"), field(turn, "behaviours"))

    async def on_reply_started(self, message: ReplyStarted) -> None:
        self._reply_item = await self.chat.add("tenant", self.tenant_name, "")
        self.exchanges[-1].items = 2

    async def on_reply_chunk(self, message: ReplyChunk) -> None:
        if self._reply_item is not None:
            await self._reply_item.write(message.text)

    async def on_reply_complete(self, message: ReplyComplete) -> None:
        reply = message.reply
        if self._reply_item is not None:
            await self._reply_item.finish(field(reply, "text", default=""))
        self._reply_item = None
        self.mood.show(self.session.state, self.session.stance)
        self._lock(False)
        if self.session.finished:
            self.open_report()

    async def on_reply_failed(self, message: ReplyFailed) -> None:
        if message.said:
            self.session.rewind()
        await self._undo_chat()
        self._reply_item = None
        self.mood.show(self.session.state, self.session.stance)
        self._lock(False)
        self.say_input.value = message.draft
        if message.error:
            self.notify(self.tr("reply_failed", error=message.error), severity="error")
        else:
            self.notify(self.tr("reply_cancelled"))

    def _lock(self, locked: bool) -> None:
        self.busy = locked
        self.say_input.disabled = locked
        self.say_input.placeholder = self.tr("tenant_typing" if locked else "say_placeholder")
        if not locked:
            self.say_input.focus()

    async def _undo_chat(self) -> None:
        if self.exchanges:
            await self.chat.remove_last(self.exchanges.pop().items)

    # --- keys ------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "tenant")

    def action_hint(self) -> None:
        if self.busy or self.session.finished:
            return
        if self.mode != "practice":
            self.notify(self.tr("assessment_note"))
            return
        self.feedback.show_hint(self.session.hint())

    async def action_retry(self) -> None:
        if self.busy or not self.exchanges:
            self.notify(self.tr("nothing_to_retry")) if not self.exchanges else None
            return
        self.session.rewind()
        text = self.exchanges[-1].text
        await self._undo_chat()
        self.mood.show(self.session.state, self.session.stance)
        self.feedback.show_note(self.tr("retried"))
        self.say_input.value = text
        self.say_input.focus()

    def action_end(self) -> None:
        if self.busy:
            return
        if not self.session.finished:
            self.session.end("ended")
        self.open_report()

    def open_report(self) -> None:
        from simulator.ui.screens.report import ReportScreen

        self.app.switch_screen(ReportScreen(
            self.session, persona_id=self.persona_id, scenario_id=self.scenario_id,
            trainee=self.trainee, mode=self.mode, consent=self.consent,
        ))
