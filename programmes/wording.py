"""The words a programme's pages use for the person the work is about.

A programme's ``subject`` (its configuration file) says who the work is about: a child and
their family, or an adult client. Every text that names them is kept here once per subject,
so no code asks which programme it is. A programme file may override any text in its
``[wording]`` table (``key = { fi = …, sv = …, en = … }``); the override wins in its language.

Templates read ``{{ words.<key> }}`` (``programme.words``); Python reads ``programme.words.key``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from programmes.models import Programme

FAMILY, CLIENT = "family", "client"
SUBJECTS = (FAMILY, CLIENT)

TEXTS: dict[str, dict[str, Promise]] = {
    # Meeting record and memo.
    "view_heading": {
        FAMILY: _("The family's and the child's view"),
        CLIENT: _("The client's own view"),
    },
    "view_label": {
        FAMILY: _("The family's view in their own words"),
        CLIENT: _("The client's view in their own words"),
    },
    "record_lead": {
        FAMILY: _(
            "Start from the family's own view. Agree on the goals and how to rate them with "
            "the family. Every participant promises a concrete act in their own role."
        ),
        CLIENT: _(
            "Start from the client's own view. The client sets their own goals and says what "
            "0 and 10 mean. Every participant, the client too, promises a concrete act in "
            "their own role."
        ),
    },
    "no_goals": {
        FAMILY: _("No goals yet. They are agreed with the family in the network meeting."),
        CLIENT: _("No goals yet. The client sets their own goals in the network meeting."),
    },
    # Closing.
    "close_heading": {
        FAMILY: _("Closing together with the family"),
        CLIENT: _("Closing together with the client"),
    },
    "close_lead": {
        FAMILY: _("The work is ended together with the family. Open promises are resolved first."),
        CLIENT: _("The work is ended together with the client. Open promises are resolved first."),
    },
    "closing_summary_label": {
        FAMILY: _("Closing summary, written with the family"),
        CLIENT: _("Closing summary, written with the client"),
    },
    "closed_message": {
        FAMILY: _("The network work was closed together with the family."),
        CLIENT: _("The network work was closed together with the client."),
    },
    "declined": {FAMILY: _("The family declined"), CLIENT: _("The client declined")},
    "moved_away": {FAMILY: _("The family moved away"), CLIENT: _("The client moved away")},
    # The network and its people.
    "add_participant_lead": {
        FAMILY: _(
            "Who has possibilities to act in the family's matter? Bring the important everyday "
            "adults and the needed services together at the same time."
        ),
        CLIENT: _(
            "Who has possibilities to act in the client's matter? Bring the people close to "
            "the client and the needed services together at the same time."
        ),
    },
    "add_close_ones_heading": {
        FAMILY: _("Add a family member or an everyday adult"),
        CLIENT: _("Add someone close to the client"),
    },
    "consents_lead": {
        FAMILY: _(
            "What the family agreed to share, with whom, when and how. The consent covers the "
            "network's participants. A withdrawal takes effect at once: only the coordinators "
            "keep access, and the other participants are told."
        ),
        CLIENT: _(
            "What the client agreed to share, with whom, when and how. The consent covers the "
            "network's participants. A withdrawal takes effect at once: only the coordinators "
            "keep access, and the other participants are told."
        ),
    },
    "withdrew_label": {
        FAMILY: _("How the family withdrew it"),
        CLIENT: _("How the client withdrew it"),
    },
    "consent_agrees": {
        FAMILY: _("The family knows and agrees"),
        CLIENT: _("The client knows and agrees"),
    },
    "invitation_lead": {
        FAMILY: _(
            "In the meeting, you as a family, the important adults of your everyday life and "
            "the services that can help meet at the same time. We listen to your view, agree on "
            "a common goal, and everyone promises what they will do in their own role."
        ),
        CLIENT: _(
            "In the meeting, you, the people close to you and the services that can help meet "
            "at the same time. We listen to your view, you set your own goals, and everyone "
            "promises what they will do in their own role."
        ),
    },
    # Contacts.
    "convene_lead": {
        FAMILY: _(
            "Only now, with the family's agreement, are the child's or client's name and date "
            "of birth recorded."
        ),
        CLIENT: _(
            "Only now, with the client's agreement, are the client's name and date of birth "
            "recorded."
        ),
    },
    "ask_first": {
        FAMILY: _(
            "Ask the family first: a network is convened with their agreement or on a legal ground."
        ),
        CLIENT: _(
            "Ask the client first: a network is convened with their agreement or on a legal ground."
        ),
    },
    "feedback_from": {
        FAMILY: _("Feedback from families, children and young people, and professionals."),
        CLIENT: _("Feedback from clients and professionals."),
    },
    "already_open_heading": {
        FAMILY: _("The family already has an open network"),
        CLIENT: _("The client already has an open network"),
    },
    "subject_name_label": {
        FAMILY: _("Name of the child or client"),
        CLIENT: _("The client's name"),
    },
    "language_label": {FAMILY: _("The family's language"), CLIENT: _("The client's language")},
    "language_help": {
        FAMILY: _("Memos and the family's own page are in this language."),
        CLIENT: _("Memos and the client's own page are in this language."),
    },
    "consent_scope_label": {
        FAMILY: _("What the family agreed to"),
        CLIENT: _("What the client agreed to"),
    },
    "consent_withdrawn_memo": {
        FAMILY: _("The family has withdrawn their consent: the memo is not distributed."),
        CLIENT: _("The client has withdrawn their consent: the memo is not distributed."),
    },
    "closed_step": {
        FAMILY: _("Work closed together with the family"),
        CLIENT: _("Work closed together with the client"),
    },
    "open_elsewhere_heading": {
        FAMILY: _("The child or client may already have an open network"),
        CLIENT: _("The client may already have an open network"),
    },
    "open_elsewhere_help": {
        FAMILY: _(
            "An open network was found for this name and date of birth outside the networks you "
            "work with. Do not open a second network: ask the family which coordinator they "
            "work with, contact that coordinator and agree together how this contact is handled."
        ),
        CLIENT: _(
            "An open network was found for this name and date of birth outside the networks you "
            "work with. Do not open a second network: ask the client which coordinator they "
            "work with, contact that coordinator and agree together how this contact is handled."
        ),
    },
    "check_open_network": {
        FAMILY: _(
            "The network meets within two weeks of the contact. First check whether the family "
            "already has an open network."
        ),
        CLIENT: _(
            "The network meets within two weeks of the contact. First check whether the client "
            "already has an open network."
        ),
    },
    "request_lead": {
        FAMILY: _(
            "One contact is enough. Agree on it with the family first; the area's coordinator "
            "will call you back and you will think together who can act in the family's matter."
        ),
        CLIENT: _(
            "One contact is enough. Agree on it with the client first; the area's coordinator "
            "will call you back and you will think together who can act in the client's matter."
        ),
    },
    "no_names_help": {
        FAMILY: _("Do not write the family's names or identifiers here."),
        CLIENT: _("Do not write the client's name or identifiers here."),
    },
    "already_open": {
        FAMILY: _("This child already has an open network. Join the contact to it."),
        CLIENT: _("This client already has an open network. Join the contact to it."),
    },
    # Everyday support first: the programme's own discussion method.
    "discussion_lead": {
        FAMILY: _(
            "Everyday support first: when you have held a discussion with a family in your own "
            "work using the method, record it here. No names are recorded; the figure shows how "
            "the method is used."
        ),
        CLIENT: _(
            "Everyday support first: when you have talked with a client about their work ability "
            "and employment in your own work using the method, record it here. No names are "
            "recorded; the figure shows how the method is used."
        ),
    },
    "discussion_card": {
        FAMILY: _("Everyday support first: the discussion with the family in your own work."),
        CLIENT: _("Everyday support first: the discussion with the client in your own work."),
    },
    # The front page (home/templates/home/home.html).
    "home_lead": {
        FAMILY: _(
            "Arki brings together the important adults and services of a child's and a "
            "family's everyday life – at the same time, not in turns."
        ),
        CLIENT: _(
            "Arki brings together the people close to a working-age client and the services "
            "that can help – at the same time, not in turns."
        ),
    },
    "directory_card": {
        FAMILY: _("Who acts around the family and the child."),
        CLIENT: _("Who acts around the client."),
    },
    # The family's (or the client's) own pages.
    "own_plan_heading": {
        FAMILY: _("Your family's plan"),
        CLIENT: _("Your plan"),
    },
    "prepare_card": {
        FAMILY: _(
            "Prepare for the meeting: tell in your own words what goes well, what worries you "
            "and what you wish from the meeting. The child or young person can tell their own "
            "view too."
        ),
        CLIENT: _(
            "Prepare for the meeting: tell in your own words what goes well, what worries you "
            "and what you wish from the meeting."
        ),
    },
    "prepare_intro": {
        FAMILY: _(
            "Tell in your own words how things are before the meeting. Your answers go to the "
            "coordinator and are shown in the meeting record as the family's own words. They "
            "are not put in the memo. You can leave any question empty, and change your answers "
            "until the meeting starts."
        ),
        CLIENT: _(
            "Tell in your own words how things are before the meeting. Your answers go to the "
            "coordinator and are shown in the meeting record as your own words. They are not "
            "put in the memo. You can leave any question empty, and change your answers until "
            "the meeting starts."
        ),
    },
    "own_words_heading": {
        FAMILY: _("In the family's own words"),
        CLIENT: _("In the client's own words"),
    },
    "own_words_lead": {
        FAMILY: _(
            "What the family told through their plan page before the meeting, as they wrote "
            "it. It is not put in the memo."
        ),
        CLIENT: _(
            "What the client told through their plan page before the meeting, as they wrote "
            "it. It is not put in the memo."
        ),
    },
}


class Words:
    """The texts of one programme, in the active language. ``words.key`` or ``words["key"]``."""

    def __init__(self, programme: Programme | None) -> None:
        subject = getattr(programme, "subject", FAMILY) or FAMILY
        self._subject = subject if subject in SUBJECTS else FAMILY
        self._overrides: dict[str, dict[str, str]] = dict(getattr(programme, "wording", {}) or {})

    def __getitem__(self, key: str) -> str:
        if key not in TEXTS:
            raise KeyError(key)
        override = self._overrides.get(key)
        if override:
            language = (get_language() or "fi")[:2]
            text = override.get(language) or override.get("fi")
            if text:
                return text
        return str(TEXTS[key][self._subject])

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None
