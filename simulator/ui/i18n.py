"""Every user-facing string of the app, in Dutch and English."""

from __future__ import annotations

import os

LANGS = ("nl", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # key: (nl, en)
    "app_title": ("Gesprekstrainer voordeur", "Front-door conversation trainer"),
    "name": ("Naam", "Name"),
    "name_placeholder": ("Je naam", "Your name"),
    "language": ("Taal", "Language"),
    "persona": ("Huurder", "Tenant"),
    "scenario": ("Scenario", "Scenario"),
    "mode": ("Vorm", "Mode"),
    "mode_practice": ("Oefenen (tips tijdens het gesprek)", "Practice (tips during the talk)"),
    "mode_assessment": ("Toets (feedback aan het eind)", "Assessment (feedback at the end)"),
    "start": ("Start gesprek", "Start conversation"),
    "consent": ("Deel met mijn teamleider", "Share with my team leader"),
    "no_scenario": ("Geen scenario voor deze huurder.", "No scenario for this tenant."),
    "no_content": ("Geen personas of scenario's gevonden.", "No personas or scenarios found."),
    "content_error": ("Fout in de inhoud; deze bestanden worden overgeslagen tot ze kloppen",
                      "Problem in the content; these files are left out until fixed"),
    "need_name": ("Vul eerst je naam in.", "Please enter your name first."),
    # navigation / commands
    "review": ("Beoordelen", "Review"),
    "author": ("Schrijven", "Author"),
    "settings": ("Instellingen", "Settings"),
    "back": ("Terug", "Back"),
    "quit": ("Stoppen", "Quit"),
    "cmd_start": ("Naar het startscherm", "Go to the start screen"),
    "cmd_review": ("Sessies beoordelen (teamleider)", "Review sessions (team leader)"),
    "cmd_author": ("Personas en scenario's (trainer)", "Personas and scenarios (trainer)"),
    "cmd_settings": ("Back-end, model en embedder kiezen", "Choose back-end, model and embedder"),
    # practice
    "briefing": ("Opdracht", "Briefing"),
    "tenant": ("Huurder", "Tenant"),
    "you": ("Jij", "You"),
    "say_placeholder": ("Wat zeg je? (Enter om te versturen)", "What do you say? (Enter to send)"),
    "hint": ("Tip", "Hint"),
    "retry": ("Opnieuw", "Retry"),
    "end": ("Einde", "End"),
    "cancel": ("Annuleer", "Cancel"),
    "irritation": ("Irritatie", "Irritation"),
    "trust": ("Vertrouwen", "Trust"),
    "mood": ("Stemming", "Mood"),
    "feedback": ("Feedback", "Feedback"),
    "stance_hostile": ("vijandig", "hostile"),
    "stance_guarded": ("afwachtend", "guarded"),
    "stance_cooperative": ("meewerkend", "cooperative"),
    "stance_satisfied": ("tevreden", "satisfied"),
    "tenant_typing": ("De huurder antwoordt… (Esc annuleert)", "The tenant is answering… (Esc cancels)"),
    "reply_failed": ("De huurder kon niet antwoorden: {error}", "The tenant could not answer: {error}"),
    "reply_cancelled": ("Antwoord geannuleerd.", "Reply cancelled."),
    "nothing_to_retry": ("Er is nog niets om over te doen.", "There is nothing to retry yet."),
    "retried": ("Laatste beurt teruggedraaid; probeer het anders.", "Last turn undone; try it differently."),
    "no_badges": ("Geen gedrag herkend in deze beurt.", "No behaviour recognised in this turn."),
    "assessment_note": ("Toets: feedback volgt aan het eind.", "Assessment: feedback comes at the end."),
    "example": ("Bijvoorbeeld", "For example"),
    "conversation_over": ("Het gesprek is voorbij.", "The conversation is over."),
    "show_report": ("Rapport", "Report"),
    # report
    "report": ("Rapport", "Report"),
    "outcome": ("Uitkomst", "Outcome"),
    "outcome_resolved": ("opgelost", "resolved"),
    "outcome_escalated": ("geëscaleerd", "escalated"),
    "outcome_turn_limit": ("beurten op", "out of turns"),
    "outcome_ended": ("door jou beëindigd", "ended by you"),
    "outcome_unfinished": ("niet afgerond", "unfinished"),
    "rating": ("Cijfer van de huurder", "Tenant's rating"),
    "scores": ("Score per onderdeel", "Score per rubric"),
    "behaviours": ("Gedrag", "Behaviour"),
    "shown": ("getoond", "shown"),
    "missing": ("ontbrak", "missing"),
    "mood_chart": ("Irritatie per beurt", "Irritation per turn"),
    "trust_chart": ("Vertrouwen per beurt", "Trust per turn"),
    "again": ("Opnieuw oefenen", "Practise again"),
    "export": ("Exporteer HTML", "Export HTML"),
    "to_start": ("Naar start", "Back to start"),
    "exported": ("Rapport opgeslagen: {path}", "Report saved: {path}"),
    "export_failed": ("Exporteren mislukt: {error}", "Export failed: {error}"),
    "no_store": ("Geen sessie-opslag beschikbaar.", "No session store available."),
    # review
    "sessions": ("Sessies", "Sessions"),
    "filter_trainee": ("Medewerker", "Trainee"),
    "filter_date": ("Datum (JJJJ-MM-DD)", "Date (YYYY-MM-DD)"),
    "filter_text": ("Zoek in tekst", "Search text"),
    "all": ("alle", "all"),
    "date": ("Datum", "Date"),
    "turns": ("Beurten", "Turns"),
    "transcript": ("Gesprek", "Transcript"),
    "agree": ("Eens", "Agree"),
    "disagree": ("Oneens", "Disagree"),
    "comment": ("Opmerking voor de coaching", "Coaching comment"),
    "save_comment": ("Opslaan", "Save"),
    "comment_saved": ("Opmerking opgeslagen.", "Comment saved."),
    "override_saved": ("Oordeel opgeslagen.", "Judgement saved."),
    "kappa": ("Overeenstemming scorer–teamleider, {name}: κ = {kappa} ({n} oordelen)",
              "Scorer–team leader agreement, {name}: κ = {kappa} ({n} judgements)"),
    "kappa_none": ("Overeenstemming scorer–teamleider (κ), {name}: nog te weinig oordelen ({n}/{least})",
                   "Scorer–team leader agreement (κ), {name}: too few judgements yet ({n}/{least})"),
    "too_few": ("te weinig oordelen ({n}/{least})", "too few judgements ({n}/{least})"),
    "kappa_more": ("k: per gedrag", "k: per behaviour"),
    "kappa_table": ("κ per gedrag", "κ per behaviour"),
    "overall": ("alles", "overall"),
    "missed": ("Gemist", "Missed"),
    "missed_badge": ("gemist door de scorer", "missed by the scorer"),
    "missed_title": ("Welk gedrag liet de medewerker zien in beurt {turn}?",
                     "Which behaviour did the trainee show in turn {turn}?"),
    "pick_badge": ("Kies een gedrag onder de beurt (eens/oneens), of m voor gemist gedrag.",
                   "Pick a behaviour under the turn (agree/disagree), or m for a missed one."),
    "progress": ("Voortgang van {trainee}", "Progress of {trainee}"),
    "no_sessions": ("Nog geen sessies.", "No sessions yet."),
    "toggle": ("Eens/oneens", "Agree/disagree"),
    # author
    "files": ("Bestanden", "Files"),
    "valid": ("in orde", "valid"),
    "invalid": ("fouten", "problems"),
    "validate": ("Valideer", "Validate"),
    "run_checks": ("Draai checks", "Run checks"),
    "preview": ("Proefgesprek", "Preview talk"),
    "check_passed": ("geslaagd", "passed"),
    "check_failed": ("mislukt", "failed"),
    "no_checks": ("Dit scenario heeft geen checks.", "This scenario has no checks."),
    "checks_unavailable": ("Checks zijn nog niet beschikbaar: {error}", "Checks are not available yet: {error}"),
    "all_valid": ("{count} bestand(en) in orde.", "{count} file(s) valid."),
    "problems": ("{count} probleem/problemen:", "{count} problem(s):"),
    "warnings": ("{count} waarschuwing(en):", "{count} warning(s):"),
    "own_version": ("eigen versie, vervangt de meegeleverde", "own version, replaces the shipped one"),
    # settings
    "backend": ("Back-end", "Back-end"),
    "model": ("Model", "Model"),
    "embedder": ("Embedder", "Embedder"),
    "base_url": ("Server-URL", "Server URL"),
    "model_langs": ("Spreekt", "Speaks"),
    "langs_default": ("standaard", "default"),
    "langs_none": ("niet (alleen corpus)", "no language (corpus only)"),
    "langs_nl": ("Nederlands", "Dutch"),
    "langs_en": ("Engels", "English"),
    "langs_both": ("Nederlands en Engels", "Dutch and English"),
    "save": ("Opslaan", "Save"),
    "settings_saved": ("Instellingen opgeslagen.", "Settings saved."),
    "settings_unavailable": ("Instellingen niet beschikbaar: {error}", "Settings unavailable: {error}"),
    # models / status
    "status_loading": ("Modellen laden…", "Loading models…"),
    "status_ready": ("klaar", "ready"),
    "status_failed": (
        "Model niet beschikbaar ({error}); de huurder antwoordt uit het corpus.",
        "Model unavailable ({error}); the tenant answers from its corpus.",
    ),
    "status_scorer_failed": (
        "Scorer niet beschikbaar ({error}).", "Scorer unavailable ({error})."
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang` (nl or en), with {placeholders} filled in."""
    nl, en = STRINGS[key]
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


def default_lang() -> str:
    """nl unless the user's locale says English (the content's primary language is Dutch)."""
    # Only the environment: Python reports the C/POSIX locale as en_US, which would make
    # English the default on every bare server or container.
    for name in ("ROLEPLAY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value[:2] in LANGS:
            return value[:2]
    return "nl"


def label(obj: object, lang: str) -> str:
    """A content Localized (with .get(lang)) or plain text."""
    getter = getattr(obj, "get", None)
    return getter(lang) if callable(getter) else str(obj)


# The engine reports loading progress in English; the status line speaks the trainee's language.
PROGRESS_NL = (
    ("Preparing the tenant model (once): reading", "Huurdermodel voorbereiden (eenmalig): lezen"),
    ("Preparing the tenant model (once): dequantising weights",
     "Huurdermodel voorbereiden (eenmalig): gewichten omzetten"),
    ("Preparing the tenant model (once): saving a fast copy",
     "Huurdermodel voorbereiden (eenmalig): snelle kopie opslaan"),
    ("Preparing the tenant model (once)", "Huurdermodel voorbereiden (eenmalig)"),
    ("Loading the tenant model", "Huurdermodel laden"),
    ("Tenant model", "Huurdermodel"),
    ("Loading embedding model", "Scoringsmodel laden"),
    ("Training the meaning gate", "Betekeniscontrole trainen (voor modelzinnen)"),
    ("Embedding", "Voorbeeldzinnen inlezen:"),
    ("Connecting to", "Verbinden met"),
    ("Model server", "Modelserver"),
)


def progress_text(message: str, lang: str) -> str:
    """A loading-progress message in `lang` (known English prefixes translated for nl)."""
    if lang == "en":
        return message
    for english, dutch in PROGRESS_NL:
        if message.startswith(english):
            return dutch + message[len(english):].replace(" ready", " klaar").replace(
                "rubric exemplars and labelled replies", "voorbeeldzinnen"
            ).replace("rubric exemplars", "voorbeeldzinnen")
    return message
