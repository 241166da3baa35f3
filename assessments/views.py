"""Assessment pages: the task list, one page per section, check and submit, sign-off,
versions, the consultation, the referral to the panel, print and PDF.

Assessments come only from assessments.selectors, so one outside the user's scope is a 404.
Every page that shows an assessment writes a view audit event in the request's
transaction; changes go through assessments.services, which audit themselves.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors, services
from assessments.forms import ConsultationForm, ReasonForm, StartForm
from assessments.models import Assessment, AssessmentSection
from assessments.pdf import assessment_pdf
from assessments.presenters import child_name, document, family_facts
from assessments.sections import SECTIONS, SECTIONS_BY_KEY, YES
from assessments.selectors import section_context
from consent.services import ConsentRequired, panel_referral_permission
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors as _add_service_errors
from core.selectors import the_council
from people.selectors import get_family
from support_requests.models import SafeguardingStop
from support_requests.safeguarding_views import stop_page
from support_requests.selectors import requests_for

NAV_SECTION = "families"


def _require_writer(user) -> None:
    if not rules.has_perm("assessments.write_assessment", user):
        raise PermissionDenied


def _may_write(user) -> bool:
    return rules.has_perm("assessments.write_assessment", user)


# ---------------------------------------------------------------- start


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = get_family(user, family_id)
    _require_writer(user)
    children = [
        m.person
        for m in family.members.select_related("person").filter(
            person__kind__in=["child", "unborn"]
        )
    ]
    support_request = None
    # The request triage decided this for, when started from it (an id, never personal data).
    request_id = request.POST.get("support_request") or request.GET.get("request") or ""
    if request_id:
        try:
            support_request = requests_for(user).filter(pk=request_id, family=family).first()
        except ValidationError:
            support_request = None
    if request.method == "POST":
        form = StartForm(request.POST, children=children)
        if form.is_valid():
            chosen = [c for c in children if str(c.pk) in form.cleaned_data["children"]]
            try:
                assessment = services.assessment_start(
                    actor=user, family=family, children=chosen, support_request=support_request
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request, "Assessment started. Work through the sections in any order."
                )
                return redirect("assessments:detail", assessment_id=assessment.pk)
    else:
        form = StartForm(children=children, initial={"children": [str(c.pk) for c in children]})
        audit_record(
            actor=user, action=Action.VIEW, target=family, detail={"page": "assessment_start"}
        )
    in_progress = (
        selectors.family_assessments(user, family)
        .filter(status__in=[Assessment.Status.DRAFT, Assessment.Status.AWAITING_SIGN_OFF])
        .first()
    )
    context = {
        "nav_section": NAV_SECTION,
        "family": family,
        "form": form,
        "support_request": support_request,
        "in_progress": in_progress,
    }
    return render(request, "assessments/start.html", context)


# ---------------------------------------------------------------- the task list


def _task_rows(assessment: Assessment) -> list[dict]:
    rows = {(row.key, row.child_id): row for row in assessment.sections.all()}
    children = list(assessment.children.all())
    items = []
    for section in SECTIONS:
        for child in children if section.per_child else [None]:
            row = rows.get((section.key, child.pk if child else None))
            status = row.status if row else AssessmentSection.Status.NOT_STARTED
            kwargs = {"assessment_id": assessment.pk, "key": section.key}
            if child is not None:
                kwargs["child_id"] = child.pk
            title = f"{section.number}. {section.title}"
            if child is not None:
                title += f": {child_name(child.person)}"
            items.append(
                {
                    "title": title,
                    "url": reverse("assessments:section", kwargs=kwargs),
                    "status": status,
                    "status_label": AssessmentSection.Status(status).label,
                    "number": section.number,
                }
            )
        if section.number == "12":
            items.append(
                {
                    "title": "13. Consultation after completion",
                    "url": "",
                    "status": "cannot_start",
                    "status_label": "Cannot start yet",
                    "hint": "Record the family’s views once the assessment is completed",
                    "number": "13",
                }
            )
    return items


@login_required
@require_GET
def detail(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    stop = services.pending_stop(assessment)
    if stop is not None and _may_write(user):
        return redirect("assessments:safeguarding_stop", assessment_id=assessment.pk)
    audit_record(actor=user, action=Action.VIEW, target=assessment, detail={"page": "detail"})
    editable = not assessment.is_locked and _may_write(user)
    tasks = _task_rows(assessment)
    done = sum(1 for t in tasks if t["status"] == AssessmentSection.Status.COMPLETED)
    total = sum(1 for t in tasks if t["number"] != "13")
    referral = getattr(assessment, "panel_referral", None)
    # The referrer is always told the outcome: the panel's number, meeting and decision.
    panel_case = getattr(referral, "panel_case", None) if referral else None
    context = {
        "panel_case": panel_case,
        "panel_decision": getattr(panel_case, "decision", None) if panel_case else None,
        "nav_section": NAV_SECTION,
        "assessment": assessment,
        "family": assessment.family,
        "children": [child_name(c.person) for c in assessment.children.all()],
        "editable": editable,
        "tasks": tasks,
        "done": done,
        "total": total,
        "document": None if editable else document(assessment),
        "history": assessment.history.select_related("actor"),
        "can_sign_off": assessment.status == Assessment.Status.AWAITING_SIGN_OFF
        and rules.has_perm("assessments.sign_off_assessment", user, assessment),
        "can_write": _may_write(user),
        "referral": referral,
        "referring": _answers(assessment, "panel_referral").get("referring") == YES,
        "referral_blocker": services.panel_referral_blocker(assessment),
        "newer": selectors.newer_version(assessment),
        "returned": selectors.latest_return(assessment),
    }
    return render(request, "assessments/detail.html", context)


def _answers(assessment: Assessment, key: str, child=None) -> dict:
    for row in assessment.sections.all():
        if row.key == key and row.child_id == (child.pk if child else None):
            return row.answers
    return {}


# ---------------------------------------------------------------- one section


@login_required
@require_http_methods(["GET", "POST"])
def section(
    request: HttpRequest, assessment_id, key: str, child_id: int | None = None
) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    spec = SECTIONS_BY_KEY.get(key)
    if spec is None or spec.per_child != (child_id is not None):
        raise Http404
    child = None
    if child_id is not None:
        child = next((c for c in assessment.children.all() if c.pk == child_id), None)
        if child is None:
            raise Http404
    _require_writer(user)
    if assessment.is_locked:
        messages.info(request, "This assessment is locked. Start a new version to change it.")
        return redirect("assessments:detail", assessment_id=assessment.pk)
    if services.pending_stop(assessment) is not None:
        return redirect("assessments:safeguarding_stop", assessment_id=assessment.pk)
    row = next(
        (
            r
            for r in assessment.sections.all()
            if r.key == key and r.child_id == (child.pk if child else None)
        ),
        None,
    )
    context_obj = section_context(assessment, child, key)
    stale = False
    if request.method == "POST":
        form = spec.form(request.POST, context=context_obj)
        valid = form.is_valid()
        answers = form.answers_to_keep()
        completed = valid and form.marking_completed
        try:
            expected = int(request.POST.get("version") or 0)
        except ValueError:
            expected = -1
        try:
            row = services.section_save(
                actor=user,
                assessment=assessment,
                key=key,
                child=child,
                answers=answers,
                completed=completed,
                expected_version=expected or None,
            )
        except StaleVersionError:
            stale = True
            row = selectors.section_row(assessment, key, child)
            form.add_error(
                None,
                "This section was changed by someone else since you opened it. Your answers are shown "
                "below and have not been saved: check them against the saved answers and save again.",
            )
        except services.AssessmentLocked:
            messages.info(request, "This assessment is locked. Start a new version to change it.")
            return redirect("assessments:detail", assessment_id=assessment.pk)
        else:
            # CIN or CP concerns stop the early help path, whatever else is on the page.
            trigger = services.section_stop_trigger(key, answers)
            if trigger:
                services.assessment_raise_safeguarding_stop(
                    actor=user, assessment=assessment, trigger=trigger
                )
                return redirect("assessments:safeguarding_stop", assessment_id=assessment.pk)
            if valid:
                if completed:
                    messages.success(
                        request, f"Section {spec.number} saved and marked as completed"
                    )
                else:
                    messages.success(
                        request, f"Section {spec.number} saved. You can come back to it later."
                    )
                return redirect("assessments:detail", assessment_id=assessment.pk)
    else:
        initial = spec.form.initial_from(row.answers if row else {})
        if row and row.status == AssessmentSection.Status.COMPLETED:
            initial["completed"] = YES
        if key == "family" and not row:
            # Offered from what is known already: the worker's role and the record's language needs.
            initial.setdefault(
                "worker_role", assessment.worker_role or getattr(user, "job_title", "")
            )
            initial.setdefault("communication_needs", _communication_needs(assessment))
        if key == "details" and not initial.get("reason") and assessment.support_request_id:
            sr = assessment.support_request
            initial["reason"] = sr.what_is_happening or sr.step_down_reason
        form = spec.form(initial=initial, context=context_obj)
        audit_record(
            actor=user,
            action=Action.VIEW,
            target=assessment,
            detail={"page": "section", "section": key},
        )
    context = {
        "nav_section": NAV_SECTION,
        "assessment": assessment,
        "family": assessment.family,
        "spec": spec,
        "form": form,
        "child": child,
        "child_name": child_name(child.person) if child else "",
        "version": row.version if row else 0,
        "stale": stale,
        "saved_answers": document_for_row(assessment, key, child) if stale else None,
        "facts": family_facts(assessment, user=request.user)
        if key in ("family", "professionals", "history")
        else None,
        "council": the_council() if key == "consent" else None,
        "consent_given": getattr(context_obj, "assessment_consent_given", False),
        "section_url": request.path,
    }
    return render(request, "assessments/section.html", context)


def _communication_needs(assessment: Assessment) -> str:
    lines = []
    for person in family_facts(assessment)["communication"]:
        parts = []
        if person.first_language and person.first_language != "English":
            parts.append(f"first language {person.first_language}")
        if person.interpreter_required:
            parts.append("needs an interpreter")
        if person.communication_needs:
            parts.append(person.communication_needs)
        lines.append(f"{person.first_name} {person.last_name}: {'; '.join(parts)}")
    return "\n".join(lines)


def document_for_row(assessment, key, child):
    for view in document(assessment):
        if view.key == key and (view.child.pk if view.child else None) == (
            child.pk if child else None
        ):
            return view
    return None


# ---------------------------------------------------------------- safeguarding stop


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_stop(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    _require_writer(user)
    stop = services.pending_stop(assessment)
    if stop is None:
        return redirect("assessments:detail", assessment_id=assessment.pk)

    def record(*, next_step: str, reason: str) -> None:
        services.assessment_stop_record_next_step(
            actor=user, stop=stop, next_step=next_step, reason=reason
        )

    def after(next_step: str) -> HttpResponse:
        if next_step == SafeguardingStop.NextStep.WAS_WRONG:
            messages.info(
                request,
                "The safeguarding stop and your reason have been recorded. Answer the question again.",
            )
            key = (
                "risks"
                if stop.trigger == SafeguardingStop.Trigger.ASSESSMENT_CONCERN
                else "decision"
            )
            return redirect("assessments:section", assessment_id=assessment.pk, key=key)
        messages.success(request, "What you did has been recorded. The assessment has stopped.")
        return redirect("assessments:detail", assessment_id=assessment.pk)

    context = {
        "nav_section": NAV_SECTION,
        "caption": f"Assessment: {assessment.family.name} ({assessment.family.reference})",
        "form_action": reverse(
            "assessments:safeguarding_stop", kwargs={"assessment_id": assessment.pk}
        ),
    }
    return stop_page(request, stop=stop, record=record, after=after, context=context)


# ---------------------------------------------------------------- check and submit, sign-off


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    _require_writer(user)
    if assessment.is_locked:
        return redirect("assessments:detail", assessment_id=assessment.pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.assessment_submit(actor=user, assessment=assessment)
        except services.SafeguardingStopRequired:
            return redirect("assessments:safeguarding_stop", assessment_id=assessment.pk)
        except services.NotReadyToSubmit as error:
            errors = [f"Complete section {label}" for label in error.incomplete]
        else:
            if assessment.status == Assessment.Status.AWAITING_SIGN_OFF:
                messages.success(request, "Assessment sent to a manager to sign off")
            else:
                messages.success(request, "Assessment completed")
            return redirect("assessments:detail", assessment_id=assessment.pk)
    else:
        audit_record(
            actor=user, action=Action.VIEW, target=assessment, detail={"page": "check_answers"}
        )
    context = {
        "nav_section": NAV_SECTION,
        "assessment": assessment,
        "family": assessment.family,
        "document": document(assessment),
        "errors": errors,
        "incomplete": services.incomplete_sections(assessment),
        "sign_off_required": services.sign_off_required(),
    }
    return render(request, "assessments/submit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    if not rules.has_perm("assessments.sign_off_assessment", user, assessment):
        raise PermissionDenied
    if assessment.status != Assessment.Status.AWAITING_SIGN_OFF:
        return redirect("assessments:detail", assessment_id=assessment.pk)
    form = ReasonForm(
        request.POST or None,
        label="If it needs changes, what needs to change?",
        required_message="Enter what needs to change before you can sign it off",
        required=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "return":
                # The service asks for the reason: the page shows its refusal on the field.
                services.assessment_return(
                    actor=user, assessment=assessment, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "Assessment returned to the worker")
            else:
                services.assessment_sign_off(actor=user, assessment=assessment)
                messages.success(request, "Assessment signed off and completed")
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect("assessments:detail", assessment_id=assessment.pk)
    elif request.method == "GET":
        audit_record(actor=user, action=Action.VIEW, target=assessment, detail={"page": "sign_off"})
    context = {
        "nav_section": NAV_SECTION,
        "assessment": assessment,
        "family": assessment.family,
        "document": document(assessment),
        "form": form,
    }
    return render(request, "assessments/sign_off.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new_version(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    _require_writer(user)
    form = ReasonForm(
        request.POST or None,
        label="Why does the assessment need to change?",
        required_message="Enter why the assessment needs to change",
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.assessment_new_version(
                actor=user, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            # A wrong state (not completed, a newer version already) as well as a missing reason.
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {new.number} started. Version {assessment.number} is kept as it was.",
            )
            return redirect("assessments:detail", assessment_id=new.pk)
    elif request.method == "GET":
        audit_record(
            actor=user, action=Action.VIEW, target=assessment, detail={"page": "new_version"}
        )
    return render(
        request,
        "assessments/new_version.html",
        {
            "nav_section": NAV_SECTION,
            "assessment": assessment,
            "family": assessment.family,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    _require_writer(user)
    if assessment.status != Assessment.Status.COMPLETED:
        return redirect("assessments:detail", assessment_id=assessment.pk)
    saved = getattr(assessment, "consultation", None)
    if request.method == "POST":
        form = ConsultationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.consultation_save(
                    actor=user,
                    assessment=assessment,
                    child_views=data["child_views"],
                    parent_views=data["parent_views"],
                    shared_on=data["shared_on"],
                    copy_given_on=data["copy_given_on"],
                    expected_version=data["version"] or None,
                )
            except StaleVersionError as error:
                form.add_error(None, f"{error}. Check your answers and save again.")
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, "Consultation recorded")
                return redirect("assessments:detail", assessment_id=assessment.pk)
    else:
        initial = {"version": saved.version if saved else 0}
        if saved:
            initial.update(
                child_views=saved.child_views,
                parent_views=saved.parent_views,
                shared_on=saved.shared_on,
                copy_given_on=saved.copy_given_on,
            )
        form = ConsultationForm(initial=initial)
        audit_record(
            actor=user, action=Action.VIEW, target=assessment, detail={"page": "consultation"}
        )
    return render(
        request,
        "assessments/consultation.html",
        {
            "nav_section": NAV_SECTION,
            "assessment": assessment,
            "family": assessment.family,
            "form": form,
        },
    )


# ---------------------------------------------------------------- referral to the panel


@login_required
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    _require_writer(user)
    existing = getattr(assessment, "panel_referral", None)
    if existing is not None:
        messages.info(request, "This assessment has already been referred to the panel")
        return redirect("assessments:detail", assessment_id=assessment.pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.panel_referral_submit(actor=user, assessment=assessment)
        except ConsentRequired as error:
            errors.append(str(error))
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            messages.success(request, "Referral sent to the early support multi-agency panel")
            return redirect("assessments:detail", assessment_id=assessment.pk)
    else:
        audit_record(actor=user, action=Action.VIEW, target=assessment, detail={"page": "refer"})
    context = {
        "nav_section": NAV_SECTION,
        "assessment": assessment,
        "family": assessment.family,
        "permission": panel_referral_permission(assessment.family),
        "answers": _answers(assessment, "panel_referral"),
        "blocker": services.panel_referral_blocker(assessment),
        "errors": errors,
    }
    return render(request, "assessments/refer.html", context)


# ---------------------------------------------------------------- print and PDF


@login_required
@require_GET
def pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    user = request.user
    assessment = selectors.get_assessment(user, assessment_id)
    audit_record(actor=user, action=Action.EXPORT, target=assessment, detail={"page": "pdf"})
    response = HttpResponse(assessment_pdf(assessment), content_type="application/pdf")
    # The file name carries the family's reference and the version, never a name.
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.family.reference}-v{assessment.number}.pdf"'
    )
    return response


@login_required
@require_GET
def family_assessments(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = get_family(user, family_id)
    audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "assessments"})
    return render(
        request,
        "assessments/family_assessments.html",
        {
            "nav_section": NAV_SECTION,
            "family": family,
            "assessments": selectors.family_assessments(user, family),
            "can_write": _may_write(user),
        },
    )
