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
    "need_name": ("Vul eerst je naam in.", "Please enter your name first."),
    "content_error_short": ("Een inhoudsbestand heeft fouten; vraag het je trainer.",
                            "A content file has errors; ask your trainer."),
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
    "models_loading": ("De modellen laden nog; de huurder doet zo open… (Esc: terug)",
                       "The models are still loading; the tenant opens the door soon… (Esc: back)"),
    "tenant_typing": ("De huurder antwoordt… (Esc annuleert)", "The tenant is answering… (Esc cancels)"),
    "reply_failed": ("De huurder kon niet antwoorden: {error}", "The tenant could not answer: {error}"),
    "reply_cancelled": ("Antwoord geannuleerd.", "Reply cancelled."),
    "nothing_to_retry": ("Er is nog niets om over te doen.", "There is nothing to retry yet."),
    "retried": ("Laatste beurt teruggedraaid; probeer het anders.", "Last turn undone; try it differently."),
    "no_badges": ("Geen gedrag herkend in deze beurt.", "No behaviour recognised in this turn."),
    "assessment_note": ("Toets: feedback volgt aan het eind.", "Assessment: feedback comes at the end."),
    "example": ("Bijvoorbeeld", "For example"),
    "conversation_done": ("Gesprek afgerond — Enter voor het rapport",
                          "Conversation over — Enter for the report"),
    "end_empty": (("Je hebt nog niets tegen de huurder gezegd. Wil je stoppen? Er komt dan "
                   "geen rapport en er wordt niets bewaard."),
                  ("You haven't said anything to the tenant yet. Stop anyway? There will be no "
                   "report and nothing is kept.")),
    "end_empty_yes": ("Stoppen", "Stop"),
    "end_empty_no": ("Verder praten", "Keep talking"),
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
    "mood_over_time": ("Stemming van de huurder per beurt", "The tenant's mood per turn"),
    "door": ("deur", "door"),
    "turn": ("beurt", "turn"),
    "again": ("Opnieuw oefenen", "Practise again"),
    "export": ("Exporteer HTML", "Export HTML"),
    "to_start": ("Naar start", "Back to start"),
    "back_to_author": ("Terug naar schrijven", "Back to authoring"),
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
    "comment_saved": ("Opmerking opgeslagen.", "Comment saved."),
    "override_saved": ("Oordeel opgeslagen.", "Judgement saved."),
    "kappa": ("Overeenstemming scorer–teamleider, {name}: κ = {kappa} ({n} oordelen)",
              "Scorer–team leader agreement, {name}: κ = {kappa} ({n} judgements)"),
    "kappa_none": ("Overeenstemming scorer–teamleider (κ), {name}: nog te weinig oordelen ({n}/{least})",
                   "Scorer–team leader agreement (κ), {name}: too few judgements yet ({n}/{least})"),
    "too_few": ("te weinig oordelen ({n}/{least})", "too few judgements ({n}/{least})"),
    "kappa_more": ("k: per gedrag", "k: per behaviour"),
    "calibration_outdated": (
        ("Let op: jullie eigen afstelling is van een oudere scorer en telt niet mee.\n"
         "Maak hem opnieuw met: roleplay calibrate --from-reviews"),
        ("Note: your team's own calibration belongs to an older scorer and is unused.\n"
         "Make it again with: roleplay calibrate --from-reviews")),
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
    "reviewer": ("Beoordelaar", "Reviewer"),
    "who_reviews": ("Wie beoordeelt de gesprekken?", "Who is reviewing the conversations?"),
    "who_reviews_note": ("Je oordelen en opmerkingen krijgen deze naam. Met n pas je hem aan.",
                         ("Your judgements and comments are signed with this name. "
                         "Press n to change it.")),
    "reviewer_placeholder": ("Je naam als teamleider", "Your name as team leader"),
    "comment_as": ("Opmerking voor de coaching van {name} (Enter slaat op)",
                   "Coaching comment by {name} (Enter saves)"),
    "mode_short_practice": ("oefenen", "practice"),
    "mode_short_assessment": ("toets", "assessment"),
    # the team leader reads about the trainee: not "ended by you"
    "review_outcome_ended": ("gestopt door medewerker", "stopped by the trainee"),
    "score": ("score {score}", "score {score}"),
    "chart": ("Grafiek", "Chart"),
    "chart_hint": ("g: grafiek", "g: chart"),
    "progress_chart": ("Voortgang van {trainee}, score per sessie (0-100)",
                       "Progress of {trainee}, score per session (0-100)"),
    "no_scores": ("Nog geen sessies met een score.", "No scored sessions yet."),
    "session_axis": ("sessie", "session"),
    # identity: who practises on this computer
    "who_practises": ("Wie oefent er op deze computer?", "Who practises on this computer?"),
    "who_practises_note": (("Je naam komt bij je gesprekken te staan. Je kunt hem later "
                           "aanpassen bij Instellingen (F4)."),
                           ("Your name is kept with your conversations. You can change it "
                           "later in Settings (F4).")),
    # author
    "files": ("Bestanden", "Files"),
    "valid": ("in orde", "valid"),
    "invalid": ("fouten", "problems"),
    "validate": ("Controleer", "Validate"),
    "run_checks": ("Testgesprekken", "Run checks"),
    "preview": ("Proefgesprek", "Preview talk"),
    "check_passed": ("geslaagd", "passed"),
    "check_failed": ("mislukt", "failed"),
    "check_count": ("Testgesprekken: {count}", "Checks: {count}"),
    "checks_total": ("{passed} geslaagd, {failed} mislukt", "{passed} passed, {failed} failed"),
    "checks_running": ("{count} testgesprek(ken) lopen…", "Running {count} check(s)…"),
    "no_checks": ("Dit scenario heeft geen testgesprekken.", "This scenario has no checks."),
    "persona_no_checks": (
        ("Nog geen testgesprek met deze huurder. Schrijf er een in een scenario, onder checks: "
        "met persona: {persona}."),
        ("No check plays this tenant yet. Write one in a scenario, under checks: with "
        "persona: {persona}."),
    ),
    "checks_unavailable": ("Testgesprekken lukken nu niet: {error}",
                           "Checks are not available yet: {error}"),
    "read_counts": ("Ingelezen: {personas} huurders, {scenarios} scenario's.",
                    "Read: {personas} tenants, {scenarios} scenarios."),
    "all_valid": ("Alles in orde ({count} bestanden).", "All valid ({count} files)."),
    "problems_in_files": ("{count} fout(en) in {files} bestand(en), zie ✗.",
                          "{count} problem(s) in {files} file(s), see ✗."),
    "warnings": ("{count} waarschuwing(en), zie !.", "{count} warning(s), see !."),
    "own_version": ("eigen versie, vervangt de meegeleverde", "own version, replaces the shipped one"),
    "scenarios_of": ("Scenario's", "Scenarios"),
    "personas_of": ("Huurders", "Tenants"),
    "fix_first": ("Dit bestand heeft fouten. Verbeter ze en druk op v.",
                  "This file has problems. Fix them and press v."),
    "not_read_yet": ("Dit bestand is nog niet ingelezen. Druk op v.",
                     "This file has not been read yet. Press v."),
    "pick_scenario": ("In welk scenario?", "In which scenario?"),
    "pick_persona": ("Met welke huurder?", "With which tenant?"),
    "no_persona": ("Geen huurder voor dit scenario.", "No tenant for this scenario."),
    "expect_outcome": ("verwacht: {want}, maar het werd {got} na {turns} beurt(en)",
                       "expected outcome {want}, got {got} after {turns} turn(s)"),
    "expect_stance": ("verwacht na beurt {turn}: {want}, maar de huurder was {got}",
                      "expected stance {want} after turn {turn}, got {got}"),
    "expect_stance_ended": (("verwacht na beurt {turn}: {want}, maar het gesprek was al voorbij "
                            "na beurt {turns} ({got})"),
                            ("expected stance {want} after turn {turn}, but the conversation "
                            "ended after turn {turns} ({got})")),
    "expect_hidden": ("verwacht: feit {fact} pas vanaf beurt {turn}, maar het mocht al {when}",
                      "expected fact {fact} hidden before turn {turn}, allowed {when}"),
    "before_first_turn": ("voor de eerste beurt", "before the first turn"),
    "after_turn": ("na beurt {turn}", "after turn {turn}"),
    # Textual's own words (footer keys, command palette, empty selects)
    "palette": ("menu", "commands"),
    "palette_placeholder": ("Zoek een opdracht…", "Search for a command…"),
    "palette_no_matches": ("Niets gevonden", "No matches found"),
    "dismiss_menu": ("Menu sluiten", "Close menu"),
    "close_palette": ("Sluiten", "Close"),
    "choose": ("Kies…", "Choose…"),
    "cmd_quit": ("Het programma afsluiten", "Close the program"),
    # settings
    "backend": ("Back-end", "Back-end"),
    "model": ("Model", "Model"),
    "model_placeholder": ("leeg: ingebouwd · tenant-gemma · bestand.gguf · HF-map",
                          "empty: embedded · tenant-gemma · file.gguf · HF folder"),
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


# Key descriptions Textual writes itself (English) -> our key, so the footer says them localized.
TEXTUAL_KEYS = {"palette": "palette", "Dismiss menu": "dismiss_menu",
                "Exit the command palette": "close_palette"}


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
    ("Preparing the reader (once, about a minute)",
     "Leesmodel voorbereiden (eenmalig, ~1 minuut)"),
    ("Loading the reader", "Leesmodel laden"),
    ("Scoring without the reader:", "Scoren zonder leesmodel:"),
    ("Reading", "Voorbeeldzinnen lezen:"),
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
