"""Login, logout, password change, and user administration (needs "manage_users")."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import NotAllowed, OutOfScope, ServiceError

from . import selectors, services
from .forms import (
    LoginForm,
    RoleAssignmentForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    style_widgets,
)
from .models import User

PAGE_SIZE = 50

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view()


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    style_widgets(form)
    if request.method == "POST" and form.is_valid():
        user = services.change_password(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in and allowed to manage users somewhere; otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_action(selectors.MANAGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(selectors.list_visible_users(request.user), pk=pk)


def _form_error(form: Any, exc: ServiceError) -> None:
    if isinstance(exc, OutOfScope) and not exc.field:
        raise Http404(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None, actor=request.user)
    users = selectors.list_users(request.user, **filters.filters())
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page_obj": page, "page_size": PAGE_SIZE, "page_size_choices": [PAGE_SIZE], "filter_form": filters},
    )


@manager_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _visible_user(request, pk)
    assignments = selectors.list_visible_assignments(request.user).filter(user=user).order_by("org__path")
    manageable = selectors.list_manageable_users(request.user).filter(pk=user.pk).exists()
    return render(
        request,
        "accounts/user_detail.html",
        {"object": user, "assignments": assignments, "manageable": manageable},
    )


@manager_required
def user_add(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_user(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                email=data["email"],
                role=data.get("role") or "",
                org=data.get("org"),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            # Shown once, in this response only: the password is not stored anywhere readable.
            return render(
                request,
                "accounts/user_password_done.html",
                {"object": user, "password": password, "created": True},
            )
    return render(request, "accounts/user_form.html", {"form": form, "object": None})


@manager_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _visible_user(request, pk)
    form = UserEditForm(
        request.POST or None, initial={"display_name": user.display_name, "email": user.email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(actor=request.user, user=user, **form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The user has been saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "object": user})


@manager_required
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _visible_user(request, pk)
    if request.method == "POST":
        try:
            password = services.reset_password(actor=request.user, user=user)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        return render(request, "accounts/user_password_done.html", {"object": user, "password": password})
    return render(request, "accounts/user_password_reset.html", {"object": user})


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    user = _visible_user(request, pk)
    try:
        services.set_user_active(actor=request.user, user=user, active=active)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The user has been reactivated.") if active else _("The user has been deactivated.")
        )
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
@manager_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@require_POST
@manager_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)


@manager_required
def roleassignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _visible_user(request, pk)
    form = RoleAssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(
                actor=request.user, user=user, role=form.cleaned_data["role"], org=form.cleaned_data["org"]
            )
        except NotAllowed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The role has been assigned."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/roleassignment_form.html", {"form": form, "object": user})


@manager_required
def roleassignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        selectors.list_visible_assignments(request.user).select_related("user"), pk=pk
    )
    if request.method == "POST":
        try:
            services.remove_role(actor=request.user, assignment=assignment)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The role has been removed."))
        return redirect("accounts:user_detail", pk=assignment.user_id)
    return render(request, "accounts/roleassignment_confirm_delete.html", {"object": assignment})
