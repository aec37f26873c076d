"""Stage 3 (within the network work): feedback invitations, their counts and the answers.

One invitation per participant with a survey after every held meeting and at closing, counted
in ``InvitationCount``; answers are anonymous ``Response`` rows (random ids) of the month the
invitation went out; a used invitation's ``used_at`` is the month only. ``FeedbackInvitation``
rows (personal, 30-day links) are kept only for the last 30 days, when they could still be used.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from scale import texts
from scale.generator.region import Region
from scale.generator.rows import Rows
from scale.generator.shapes import PlannedNetwork

RESPONSE_RATE = {"family": 0.4, "child": 0.3, "professional": 0.45}


class Feedback:
    def __init__(self, region: Region) -> None:
        self.region = region
        self.invitation_ids = region.writer.ids(Rows.invitation.model)
        self.recent_from = region.today - timedelta(days=30)
        self.responses: list[Any] = []
        self.answers: list[Any] = []
        self.invitations: list[Any] = []
        # (area, programme, audience, meeting kind, occasion, month): invitations sent
        self.counts: Counter[tuple[int, int, str, str, str, date]] = Counter()

    def invite(
        self,
        network: PlannedNetwork,
        sent_at: datetime,
        meeting_kind: str,
        occasion: str,
        meeting: int | None,
    ) -> None:
        region = self.region
        rng = region.rng
        month = region.local_date(sent_at).replace(day=1)
        area, programme = network.area.id, network.programme.id
        for participant in network.participants:
            survey = network.programme.surveys.get(participant.audience)
            if survey is None:
                continue
            version, questions = survey
            audience = participant.audience
            self.counts[(area, programme, audience, meeting_kind, occasion, month)] += 1
            answered = rng.random() < RESPONSE_RATE[audience]
            if region.local_date(sent_at) >= self.recent_from:
                self.invitations.append(
                    Rows.invitation(
                        id=next(self.invitation_ids),
                        survey_version=version,
                        participant=participant.id,
                        meeting=meeting,
                        occasion=occasion,
                        nonce=f"{rng.getrandbits(128):032x}",
                        sent_at=sent_at,
                        expires_at=sent_at + timedelta(days=30),
                        used_at=region.month_start(sent_at + timedelta(hours=rng.randrange(1, 72)))
                        if answered
                        else None,
                    )
                )
            if not answered:
                continue
            response_id = region.feedback_id()
            self.responses.append(
                Rows.response(
                    id=response_id,
                    survey_version=version,
                    area=area,
                    programme=programme,
                    audience=audience,
                    meeting_kind=meeting_kind,
                    occasion=occasion,
                    month=month,
                )
            )
            for question in questions:
                if question["kind"] == "text":
                    if rng.random() < 0.15:
                        self.answers.append(
                            Rows.answer(
                                id=region.feedback_id(),
                                response=response_id,
                                question_code=question["code"],
                                value=None,
                                text=rng.choice(texts.FEEDBACK_COMMENTS),
                            )
                        )
                    continue
                value = (
                    rng.choices([1, 2, 3, 4, 5], [1, 2, 5, 10, 9])[0]
                    if question["kind"] == "scale5"
                    else rng.choices(range(11), [1, 1, 1, 2, 2, 4, 6, 9, 10, 8, 6])[0]
                )
                self.answers.append(
                    Rows.answer(
                        id=region.feedback_id(),
                        response=response_id,
                        question_code=question["code"],
                        value=value,
                        text="",
                    )
                )

    def write(self) -> None:
        writer = self.region.writer
        writer.write_rows(Rows.response, self.responses)
        writer.write_rows(Rows.answer, self.answers)
        self.responses, self.answers = [], []
        writer.write_rows(Rows.invitation, self.invitations)
        ids = writer.ids(Rows.invitation_count.model)
        writer.write_rows(
            Rows.invitation_count,
            (
                Rows.invitation_count(
                    id=next(ids),
                    area=area,
                    programme=programme,
                    audience=audience,
                    meeting_kind=meeting_kind,
                    occasion=occasion,
                    month=month,
                    sent=sent,
                )
                for (area, programme, audience, meeting_kind, occasion, month), sent in sorted(
                    self.counts.items()
                )
            ),
        )
