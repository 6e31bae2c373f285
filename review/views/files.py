"""A juror downloads a file of the application under review, from the review's page: only while
the review is theirs and live, never a file withheld by blind review (review.files,
applications.readers). The download is logged (applications.downloads)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from applications.downloads import attachment_response
from applications.readers import reading_for
from review.pages import review_for


@login_required
@require_safe
def review_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    review = review_for(request, pk)  # 404 unless the juror's live review (or an organiser's)
    reading = reading_for(request.user, review.application)
    if reading is None:
        raise Http404
    attachment = get_object_or_404(review.application.attachments.all(), pk=attachment_pk)
    if not reading.shows(attachment):
        raise Http404
    return attachment_response(attachment, by=request.user, name=reading.name_of(attachment), request=request)
