"""Practice: briefing, the conversation, mood and feedback; the tenant streams from a worker."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from simulator.engine.actor import ReplyCancelled
from simulator.ui.i18n import label
from simulator.ui.screens.base import BaseScreen
from simulator.ui.screens.exchange import (
    Exchange,
    ReplyChunk,
    ReplyComplete,
    ReplyFailed,
    ReplyStarted,
    TraineeScored,
)
from simulator.ui.widgets.chat import ChatItem, ChatView
from simulator.ui.widgets.confirm import Confirm
from simulator.ui.widgets.feedback import FeedbackPanel
from simulator.ui.widgets.mood import MoodPanel
from simulator.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from simulator.engine.session import PracticeSession

HELP_KEYS = ("hint", "retry")  # help during the talk: practice mode only
# A pause in typing this long lets the scorer work ahead on the line so far (session.draft):
# short enough to catch the pause before Enter, long enough to skip the bursts of a fast typist.
DRAFT_PAUSE_S = 0.15
# After a pause this long the line counts as settled: the tenant model reads its prompt for it
# ahead too (~0.5 s of both cores, so not at every short pause).
SETTLED_PAUSE_S = 0.6
PALETTE_KEYS = {"hint": "Ctrl+T", "retry": "Ctrl+R", "end": "Ctrl+E"}


class PracticeScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "hint", "hint", priority=True),
        Binding("ctrl+r", "retry", "retry", priority=True),
        Binding("ctrl+e", "end", "end", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]
    # A trainer's preview (author screen) is a trial run: nothing is stored, nothing counted.
    stores_session: ClassVar[bool] = True

    def __init__(self, *, persona_id: str, scenario_id: str, trainee: str, mode: str,
                 consent: bool = False) -> None:
        super().__init__()
        self.consent = consent
        self.persona_id, self.scenario_id = persona_id, scenario_id
        self.trainee, self.mode = trainee, mode
        self.session: PracticeSession | None = None  # None while the models still load
        self.busy = False
        self.exchanges: list[Exchange] = []
        self._draft_timers: list[Timer] = []
        self._reply_item: ChatItem | None = None

    def compose(self) -> ComposeResult:
        scenario = self.app.library.scenarios[self.scenario_id]
        # all of it, sized to its text: the end of a briefing often holds what matters
        yield Static(Text.assemble((f"{self.tr('briefing')}: ", "bold"),
                                   label(scenario.briefing, self.lang)), id="practice-briefing")
        with Horizontal(id="practice-main"):
            yield ChatView(id="chat")
            with Vertical(id="side"):
                yield MoodPanel(self.lang, id="mood")
                yield FeedbackPanel(self.lang, id="feedback")
        yield Input(placeholder=self.tr("say_placeholder"), id="say")
        yield StatusLine(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        persona = self.app.library.personas[self.persona_id]
        self.tenant_name = label(persona.name, self.lang)
        self.mood.display = False  # until the door opens; in assessment not at all
        if self.app.warm_up_models and not self.app.hub.ready.is_set():
            # A session needs the scorer: wait for it off the event loop, the screen stays alive.
            self._lock(True, "models_loading")
            self.wait_for_models()
        else:
            await self.begin()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def wait_for_models(self) -> None:
        await asyncio.to_thread(self.app.hub.ready.wait)
        await self.begin()
        self._lock(False)

    async def begin(self) -> None:
        """The session, and the tenant opening the door."""
        self.session = self.app.session_factory(
            library=self.app.library, persona_id=self.persona_id, scenario_id=self.scenario_id,
            lang=self.lang, trainee=self.trainee, mode=self.mode, consent=self.consent,
            store=self.app.store if self.stores_session else None,
        )
        await self.chat.add("tenant", self.tenant_name, self.session.opening)
        self.mood.show(self.session.state, self.session.stance)
        # no help until the report in assessment: not even the tenant's mood
        self.mood.display = not self.assessment
        if self.assessment:
            self.feedback.show_note(self.tr("assessment_note"))
        self.query_one("#say", Input).focus()

    @property
    def assessment(self) -> bool:
        return self.mode == "assessment"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No retry and no tip in assessment or once the tenant has said the last word: the keys
        are gone from the footer, not just refused."""
        ended = self.session is not None and self.session.finished
        return not ((self.assessment or ended) and action in HELP_KEYS)

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

        for action in ("end",) if self.assessment else (*HELP_KEYS, "end"):
            yield SystemCommand(self.tr(action), PALETTE_KEYS.get(action, ""),
                                getattr(self, f"action_{action}"))

    # --- the exchange: trainee line -> scorer/director -> streamed tenant reply ---------------

    @on(Input.Submitted, "#say")
    async def send(self, event: Input.Submitted) -> None:
        if self.session is None:
            return
        if self.session.finished:
            self.open_report()  # "Enter for the report" after the tenant's last line
            return
        text = event.value.strip()
        if not text or self.busy:
            return
        self._lock(True)
        self._stop_drafts()
        self.say_input.value = ""
        await self.chat.add("trainee", self.tr("you"), text)
        self.exchanges.append(Exchange(text, 1))
        self.exchange(text)

    @on(Input.Changed, "#say")
    def typed(self, event: Input.Changed) -> None:
        self._stop_drafts()
        text = event.value
        if self.session is not None and not self.busy and text.strip():
            self._draft_timers = [
                self.set_timer(DRAFT_PAUSE_S, lambda: self.read_draft(text)),
                self.set_timer(SETTLED_PAUSE_S, lambda: self.read_draft(text, settled=True)),
            ]

    def _stop_drafts(self) -> None:
        for timer in self._draft_timers:
            timer.stop()
        self._draft_timers = []

    @work(thread=True, exclusive=True, group="draft", exit_on_error=False)
    def read_draft(self, text: str, settled: bool = False) -> None:
        if not self.busy and self.session is not None:
            self.session.draft(text, settled)

    @work(thread=True, exclusive=True, group="tenant", exit_on_error=False)
    def exchange(self, text: str) -> None:
        worker = get_current_worker()
        if self.app.warm_up_models:
            self.app.hub.ready.wait()  # blocks this thread only, never the event loop
        try:
            turn = self.session.say(text)
        except Exception as err:  # noqa: BLE001 - the scorer (or the store) failed mid-way
            said = self.session.awaiting_reply
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
            cancelled = isinstance(err, ReplyCancelled)
            self.post_message(ReplyFailed(text, True, None if cancelled else str(err)))
            return
        if worker.is_cancelled:
            self.post_message(ReplyFailed(text, True, None))
        else:
            self.post_message(ReplyComplete(reply))

    def on_trainee_scored(self, message: TraineeScored) -> None:
        turn = message.turn
        self.mood.show(turn.state, turn.stance)
        if not self.assessment:
            self.feedback.show_feedback(turn.feedback, turn.behaviours)

    async def on_reply_started(self, message: ReplyStarted) -> None:
        self._reply_item = await self.chat.add("tenant", self.tenant_name, "")
        self.exchanges[-1].items = 2

    async def on_reply_chunk(self, message: ReplyChunk) -> None:
        if self._reply_item is not None:
            await self._reply_item.write(message.text)

    async def on_reply_complete(self, message: ReplyComplete) -> None:
        reply = message.reply
        if self._reply_item is not None:
            await self._reply_item.finish(reply.text)
        self._reply_item = None
        self.mood.show(self.session.state, self.session.stance)
        self._lock(False)
        if self.session.finished:
            await self.show_ended()

    async def show_ended(self) -> None:
        """The tenant's last line stays in view; the trainee goes to the report when ready."""
        await self.chat.add_note(self.tr("conversation_done"))
        self.say_input.placeholder = self.tr("conversation_done")
        self.refresh_bindings()

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

    def _lock(self, locked: bool, waiting_for: str = "tenant_typing") -> None:
        self.busy = locked
        self.say_input.disabled = locked
        self.say_input.placeholder = self.tr(waiting_for if locked else "say_placeholder")
        if not locked:
            self.say_input.focus()

    async def _undo_chat(self) -> None:
        if self.exchanges:
            await self.chat.remove_last(self.exchanges.pop().items)

    # --- keys ------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.session is None:
            self.app.action_start()  # still waiting for the models: the trainee may leave
        elif self.busy:
            self.workers.cancel_group(self, "tenant")

    def action_hint(self) -> None:
        if self.busy or self.session.finished or self.assessment:
            return
        self.feedback.show_hint(self.session.hint())

    async def action_retry(self) -> None:
        if self.assessment:
            return
        if self.busy or self.session.finished:
            return  # the tenant has said the last word; the report is next
        if not self.exchanges:
            self.notify(self.tr("nothing_to_retry"))
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
        if self.session.finished:
            self.open_report()
        elif not self.session.trainee_turns:
            question = Confirm(self.tr("end_empty"), self.tr("end_empty_yes"),
                               self.tr("end_empty_no"))
            self.app.push_screen(question, self._end_empty)
        else:
            self.session.end("ended")
            self.open_report()

    def _end_empty(self, stop: bool | None) -> None:
        """Nothing was said: no report, and the engine keeps no empty session."""
        if stop:
            self.session.end("ended")
            self.app.action_start()

    def open_report(self) -> None:
        from simulator.ui.screens.report import ReportScreen

        self.app.switch_screen(ReportScreen(
            self.session, persona_id=self.persona_id, scenario_id=self.scenario_id,
            trainee=self.trainee, mode=self.mode, consent=self.consent, practice=type(self),
        ))
