"""Answering a survey through a single-use link, and the results for the leadership team."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audit.access import PUBLIC, HasRole, access_rule
from audit.roles import Role
from core import exports
from core.csv_export import csv_response, delimiter_from
from core.errors import ValidationError
from core.http import ArkiRequest, PublicRequest
from feedback import services
from feedback.forms import ResultsFilterForm
from feedback.selectors import MIN_GROUP, feedback_results
from programmes.wording import Words

RESULT_READERS = HasRole((Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER, Role.COORDINATOR))
PROBLEM_STATUS = {"malformed": 400, "forged": 404, "used": 410, "expired": 410}


@access_rule(PUBLIC)
def answer(request: PublicRequest, token: str) -> HttpResponse:
    """The survey behind a feedback link. Shows no one's personal data; the answer is anonymous."""
    lookup = services.find_invitation(token)
    if lookup.problem or lookup.invitation is None:
        return render(
            request,
            "feedback/link_problem.html",
            {"problem": lookup.problem},
            status=PROBLEM_STATUS[lookup.problem or "forged"],
        )
    version = lookup.invitation.survey_version
    language = (get_language() or "fi")[:2]
    questions = services.questions(version, language)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.submit(
                token=token, answers={q["code"]: request.POST.get(q["code"], "") for q in questions}
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = error.message_dict
            else:
                problem = error.messages[0]
                return render(
                    request,
                    "feedback/link_problem.html",
                    {"problem": problem},
                    status=PROBLEM_STATUS.get(problem, 410),
                )
        else:
            return render(request, "feedback/thanks.html")
    for question in questions:
        question["error"] = errors.get(question["code"], [])
        question["value"] = request.POST.get(question["code"], "")
        if question["range"]:
            low, high = question["range"]
            question["choices"] = [str(n) for n in range(low, high + 1)]
    return render(
        request, "feedback/answer.html", {"survey": version.survey, "questions": questions}
    )


@access_rule(RESULT_READERS)
def results(request: ArkiRequest) -> HttpResponse:
    form = ResultsFilterForm(request.GET, user=request.user)
    values = form.values()
    groups = feedback_results(
        programme=values["programme"], period=values["period"], area=values["area"]
    )
    return render(
        request,
        "feedback/results.html",
        {
            "form": form,
            "groups": groups,
            "period": values["period"],
            "minimum": MIN_GROUP,
            "words": Words(values["programme"]),
            "query": request.GET.urlencode(),
        },
    )


def _rows(request: ArkiRequest) -> list[list[object]]:
    values = ResultsFilterForm(request.GET, user=request.user).values()
    rows: list[list[object]] = [
        [
            _("Audience"),
            _("Invited"),
            _("Answered"),
            _("Response rate %"),
            _("Question"),
            _("Answers"),
            _("Average"),
        ]
    ]
    for group in feedback_results(
        programme=values["programme"], period=values["period"], area=values["area"]
    ):
        if not group.shown:
            rows.append([group.audience_label, "", f"<{MIN_GROUP}", "", "", "", ""])
            continue
        for question in group.questions:
            if question.kind == "text":
                continue
            rows.append(
                [
                    group.audience_label,
                    group.invited,
                    group.answered,
                    group.response_rate,
                    question.text,
                    question.count,
                    question.average,
                ]
            )
    return rows


@access_rule(RESULT_READERS)
def export(request: ArkiRequest, fmt: str) -> HttpResponse:
    """The results table (aggregates, the five-answer rule applied) as CSV or XLSX."""
    rows = _rows(request)
    if fmt == "csv":
        # UTF-8 with BOM; ?sep=semicolon for Finnish Excel (core.csv_export).
        return csv_response(rows, filename="arki-feedback.csv", delimiter=delimiter_from(request))
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(exports.row(row))
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="arki-feedback.xlsx"'
        return response
    return HttpResponse(status=404)
