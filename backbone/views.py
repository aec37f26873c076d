"""The backbone's pages. Thin: parse, authorise, call a service, render.

Staff read bulletins, instructions and events and write their own self-reviews; the developer
worker, leadership team members and administrators manage the action plan, instructions,
bulletins, events, attendance and training records. No page shows family data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import SIGNED_IN, HasRole, access_rule
from audit.roles import Role
from backbone import selectors, services
from backbone.forms import (
    AttendanceForm,
    BulletinForm,
    EventForm,
    InstructionForm,
    SelfReviewForm,
    TaskFilterForm,
    TaskForm,
    TaskStatusForm,
    TrainingFilterForm,
    TrainingRecordForm,
)
from backbone.models import (
    ActionPlanTask,
    Bulletin,
    Instruction,
    Registration,
    StaffEvent,
    TaskStatus,
)
from core.forms import submit
from core.http import ArkiRequest

MANAGER_ROLES = (Role.DEVELOPER_WORKER, Role.LEADERSHIP_MEMBER, Role.ADMINISTRATOR)
MANAGERS = HasRole(MANAGER_ROLES)
PAGE_SIZE = 25


def _is_manager(request: ArkiRequest) -> bool:
    return bool(request.user.has_any_role(MANAGER_ROLES))


def _page(request: ArkiRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _targets(form: Any) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in ("areas", "programmes", "sectors")
        if name in form.cleaned_data
    }


@access_rule(SIGNED_IN)
def home(request: ArkiRequest) -> HttpResponse:
    unread = services.unread_count(request.user)
    return render(
        request, "backbone/home.html", {"is_manager": _is_manager(request), "unread": unread}
    )


# Action plan ----------------------------------------------------------------------------------


@access_rule(MANAGERS)
def tasks(request: ArkiRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    items = ActionPlanTask.objects.select_related("owner").prefetch_related("areas", "programmes")
    if status:
        items = items.filter(status=status)
    return render(
        request,
        "backbone/tasks.html",
        {
            "form": form,
            "tasks": items.order_by("due_on", "pk"),
            "statuses": TaskStatus.choices,
            "today": timezone.localdate(),
            "done": TaskStatus.DONE,
        },
    )


@access_rule(MANAGERS)
def task_create(request: ArkiRequest) -> HttpResponse:
    return _task_form(request, None)


@access_rule(MANAGERS)
def task_edit(request: ArkiRequest, pk: int) -> HttpResponse:
    return _task_form(request, get_object_or_404(ActionPlanTask, pk=pk))


def _task_form(request: ArkiRequest, task: ActionPlanTask | None) -> HttpResponse:
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in ("title", "description", "owner", "starts_on", "due_on", "status")
        }
        if submit(
            request,
            form,
            lambda: (
                services.create_task(**data, **_targets(form))
                if task is None
                else services.update_task(task, **data, **_targets(form))
            ),
            _("The action plan was saved."),
        ):
            return redirect("backbone:tasks")
    return render(request, "backbone/task_form.html", {"form": form, "task": task})


@require_POST
@access_rule(MANAGERS)
def task_status(request: ArkiRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ActionPlanTask, pk=pk)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        services.set_task_status(task, form.cleaned_data["status"])
        messages.success(
            request,
            _("%(task)s: %(status)s.") % {"task": task.title, "status": task.get_status_display()},
        )
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect("backbone:tasks")


@access_rule(MANAGERS)
def task_delete(request: ArkiRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ActionPlanTask, pk=pk)
    if request.method == "POST":
        services.delete_task(task)
        messages.success(request, _("The task was removed from the action plan."))
        return redirect("backbone:tasks")
    return render(request, "backbone/task_delete.html", {"task": task})


# Instructions ---------------------------------------------------------------------------------


@access_rule(SIGNED_IN)
def instructions(request: ArkiRequest) -> HttpResponse:
    return render(
        request,
        "backbone/instructions.html",
        {
            "instructions": Instruction.objects.prefetch_related("areas", "programmes"),
            "is_manager": _is_manager(request),
        },
    )


@access_rule(SIGNED_IN)
def instruction(request: ArkiRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Instruction.objects.select_related("author"), pk=pk)
    return render(
        request,
        "backbone/instruction.html",
        {"instruction": item, "is_manager": _is_manager(request)},
    )


@access_rule(MANAGERS)
def instruction_create(request: ArkiRequest) -> HttpResponse:
    return _instruction_form(request, None)


@access_rule(MANAGERS)
def instruction_edit(request: ArkiRequest, pk: int) -> HttpResponse:
    return _instruction_form(request, get_object_or_404(Instruction, pk=pk))


def _instruction_form(request: ArkiRequest, item: Instruction | None) -> HttpResponse:
    form = InstructionForm(request.POST or None, instance=item)
    saved = submit(
        request,
        form,
        lambda: services.save_instruction(
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            author=request.user,
            instruction=item,
            **_targets(form),
        ),
        _("The instruction was saved."),
    )
    if saved:
        return redirect("backbone:instruction", pk=saved.value.pk)
    return render(request, "backbone/instruction_form.html", {"form": form, "instruction": item})


# Bulletins ------------------------------------------------------------------------------------


@access_rule(SIGNED_IN)
def bulletins(request: ArkiRequest) -> HttpResponse:
    return render(
        request,
        "backbone/bulletins.html",
        {
            "page": _page(request, services.bulletins_for(request.user)),
            "is_manager": _is_manager(request),
        },
    )


@access_rule(SIGNED_IN)
def bulletin(request: ArkiRequest, pk: int) -> HttpResponse:
    """Open a bulletin. Opening one that reaches this user records the read receipt."""
    item = get_object_or_404(Bulletin.objects.select_related("author"), pk=pk)
    if services.reaches(item, request.user):
        services.mark_read(item, request.user)
    elif not _is_manager(request):
        raise Http404
    return render(request, "backbone/bulletin.html", {"bulletin": item})


@access_rule(MANAGERS)
def bulletin_create(request: ArkiRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    if submit(
        request,
        form,
        lambda: services.publish_bulletin(
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            author=request.user,
            **_targets(form),
        ),
        _("The bulletin was published."),
    ):
        return redirect("backbone:bulletin_reads")
    return render(request, "backbone/bulletin_form.html", {"form": form})


@access_rule(MANAGERS)
def bulletin_reads(request: ArkiRequest) -> HttpResponse:
    """Every bulletin with how many of the people it reaches have read it."""
    page = _page(
        request,
        Bulletin.objects.select_related("author")
        .prefetch_related("areas", "programmes", "sectors")
        .order_by("-published_at", "-pk"),
    )
    rows = [(item, *services.read_count(item)) for item in page]
    return render(request, "backbone/bulletin_reads.html", {"page": page, "rows": rows})


@access_rule(MANAGERS)
def bulletin_receipts(request: ArkiRequest, pk: int) -> HttpResponse:
    """Who of the people a bulletin reaches has read it, and when."""
    item = get_object_or_404(Bulletin, pk=pk)
    reads = {read.user_id: read.read_at for read in item.reads.all()}
    people = [
        (person, reads.get(person.pk))
        for person in services.targeted_users(item).order_by("full_name", "email")
    ]
    return render(
        request,
        "backbone/bulletin_receipts.html",
        {"bulletin": item, "people": people, "read": sum(1 for _p, at in people if at)},
    )


# Events ---------------------------------------------------------------------------------------


def _events_with_counts(request: ArkiRequest) -> Any:
    return StaffEvent.objects.prefetch_related("areas", "programmes").annotate(
        registered=Count("registrations", distinct=True),
        is_registered=Exists(Registration.objects.filter(event=OuterRef("pk"), user=request.user)),
    )


@access_rule(SIGNED_IN)
def events(request: ArkiRequest) -> HttpResponse:
    now = timezone.now()
    is_manager = _is_manager(request)
    past = (
        _events_with_counts(request).filter(starts_at__lte=now).order_by("-starts_at")[:20]
        if is_manager
        else []
    )
    return render(
        request,
        "backbone/events.html",
        {
            "upcoming": _events_with_counts(request).filter(starts_at__gt=now),
            "past": past,
            "is_manager": is_manager,
        },
    )


@require_POST
@access_rule(SIGNED_IN)
def event_register(request: ArkiRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(StaffEvent, pk=pk)
    submit(
        request,
        None,
        lambda: services.register(event, request.user),
        _("You are registered for %(event)s.") % {"event": event.title},
    )
    return redirect("backbone:events")


@require_POST
@access_rule(SIGNED_IN)
def event_cancel(request: ArkiRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(StaffEvent, pk=pk)
    submit(
        request,
        None,
        lambda: services.cancel_registration(event, request.user),
        _("Your registration for %(event)s was cancelled.") % {"event": event.title},
    )
    return redirect("backbone:events")


@access_rule(MANAGERS)
def event_create(request: ArkiRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    fields = ("kind", "title", "description", "starts_at", "ends_at", "place", "capacity")
    if submit(
        request,
        form,
        lambda: services.create_event(
            **{name: form.cleaned_data[name] for name in fields},
            method=form.cleaned_data["method"],
            created_by=request.user,
            **_targets(form),
        ),
        _("The event was announced."),
    ):
        return redirect("backbone:events")
    return render(request, "backbone/event_form.html", {"form": form})


@access_rule(MANAGERS)
def event_attendance(request: ArkiRequest, pk: int) -> HttpResponse:
    """Mark who attended; attending a method training completes the person's training."""
    event = get_object_or_404(StaffEvent, pk=pk)
    registrations = event.registrations.select_related("user").order_by("user__full_name")
    form = AttendanceForm(
        event,
        # Bound even when nothing is ticked: an empty list marks everyone absent.
        request.POST if request.method == "POST" else None,
        initial={"attended": [r.user for r in registrations if r.attended]},
    )
    if submit(
        request,
        form,
        lambda: services.record_attendance_list(
            event, form.cleaned_data["attended"], by=request.user
        ),
        _("Attendance was saved."),
    ):
        return redirect("backbone:event_attendance", pk=event.pk)
    return render(
        request,
        "backbone/event_attendance.html",
        {"event": event, "form": form, "registrations": registrations},
    )


# Training records -----------------------------------------------------------------------------


@access_rule(MANAGERS)
def training_records(request: ArkiRequest) -> HttpResponse:
    form = TrainingFilterForm(request.GET)
    values = form.values()
    return render(
        request,
        "backbone/training_records.html",
        {"form": form, "page": _page(request, selectors.training_records(**values))},
    )


@access_rule(MANAGERS)
def training_record_create(request: ArkiRequest) -> HttpResponse:
    form = TrainingRecordForm(request.POST or None)
    if submit(
        request,
        form,
        lambda: services.record_training(**form.cleaned_data, by=request.user),
        _("The training was recorded."),
    ):
        return redirect("backbone:training_records")
    return render(request, "backbone/training_record_form.html", {"form": form})


# Self-reviews ---------------------------------------------------------------------------------


@access_rule(SIGNED_IN)
def self_reviews(request: ArkiRequest) -> HttpResponse:
    """My own self-reviews: the form with the three questions and what I answered before."""
    form = SelfReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if submit(
        request,
        form,
        lambda: services.record_self_review(user=request.user, **form.cleaned_data),
        _("Your self-review was saved."),
    ):
        return redirect("backbone:self_reviews")
    return render(
        request,
        "backbone/self_reviews.html",
        {"form": form, "reviews": request.user.self_reviews.all()},
    )
