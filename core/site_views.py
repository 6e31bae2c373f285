"""Pages about the site itself: about, contacts, accessibility statement, privacy notice (public),
the logo, and the staff page that edits them (core.site)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core import site
from core.files import storing
from core.site_forms import SiteSettingsForm
from core.web import add_errors

PAGES = {
    "about": ("about_text", gettext_lazy("About this site")),
    "contacts": ("contacts_text", gettext_lazy("Contacts")),
    "accessibility": ("accessibility_text", gettext_lazy("Accessibility statement")),
    "privacy": ("privacy_text", gettext_lazy("Privacy notice")),
}


@require_safe
def page(request: HttpRequest, kind: str) -> HttpResponse:
    field, title = PAGES[kind]
    info = site.current()
    return render(
        request,
        "core/site_page.html",
        {"kind": kind, "page_title": title, "text": getattr(info, field)},
    )


@require_safe
def logo(request: HttpRequest) -> HttpResponse:
    """The logo, read through the storage (works the same on disk and on S3)."""
    row = site.stored()
    if not row.logo:
        raise Http404
    try:
        with storing():
            handle = row.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=site.LOGO_CONTENT_TYPES.get(row.logo_type, "image/png"))
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def edit(request: HttpRequest) -> HttpResponse:
    """Staff: the site's name, operator, contacts, logo and the texts of its own pages."""
    if not request.user.has_perm("core.change_site_settings"):
        raise PermissionDenied(_("Only staff may change the site settings."))
    row = site.stored()
    if request.method != "POST":
        return _edit_page(request, SiteSettingsForm(instance=row))
    form = SiteSettingsForm(request.POST, request.FILES, instance=site.stored())
    if form.is_valid():
        try:
            site.save_site_settings(
                by=request.user,
                values={field: form.cleaned_data[field] for field in site.EDITABLE},
                logo=form.cleaned_data.get("logo_file") or None,
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The site settings are saved."))
            return redirect("site:settings")
    return _edit_page(request, form, status=400)


def _edit_page(request: HttpRequest, form: SiteSettingsForm, status: int = 200) -> HttpResponse:
    return render(request, "core/site_settings.html", {"form": form, "info": site.current()}, status=status)
