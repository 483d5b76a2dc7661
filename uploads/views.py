"""Upload, redact, serve and decide on images.

Serving is the only way an image leaves storage: every request checks that the viewer may
see it now (uploads/permissions.py), and the response is an inert, private, sandboxed image.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from members.permissions import MemberRequest, has_second_factor
from uploads import actions
from uploads.models import Upload
from uploads.permissions import check_can_decide, get_upload_or_404
from uploads.scrub import Refused

# An image response can do nothing but be an image, even opened on its own.
IMAGE_CSP = {"default-src": ["'none'"], "sandbox": [""]}


def upload_json(upload: Upload) -> dict:
    return {
        "id": upload.pk,
        "url": reverse("upload_image", args=[upload.pk]) + f"?v={upload.size}",
        "width": upload.width,
        "height": upload.height,
        "receipt": upload.receipt,
        "state": upload.state,
    }


@require_POST
def upload_create(request: MemberRequest) -> JsonResponse:
    """One file in, one scrubbed draft out (JSON), for the page's upload widget."""
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return JsonResponse({"error": _("Choose an image to upload.")}, status=400)
    try:
        upload = actions.store(
            request.user, uploaded.read(), too_large=getattr(uploaded, "too_large", False)
        )
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    return JsonResponse(upload_json(upload), status=201)


@require_POST
def upload_redact(request: MemberRequest, pk: int) -> JsonResponse:
    upload = get_upload_or_404(request.user, pk)
    try:
        edits = json.loads(request.body or b"{}")
        rotate = int(edits.get("rotate", 0))
        if rotate not in {0, 90, 180, 270}:
            raise ValueError("rotation must be a quarter turn")
        crop = edits.get("crop")
        rectangles = edits.get("rectangles", [])
        if crop is not None:
            crop = [int(value) for value in crop][:4]
        rectangles = [[int(value) for value in rect][:4] for rect in rectangles][:100]
        actions.redact(upload, by=request.user, rotate=rotate, crop=crop, rectangles=rectangles)
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": _("The edits could not be read.")}, status=400)
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    return JsonResponse(upload_json(upload))


@require_POST
def upload_discard(request: MemberRequest, pk: int) -> HttpResponse:
    upload = get_upload_or_404(request.user, pk)
    try:
        actions.discard(upload, by=request.user)
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    return HttpResponse(status=204)


@require_GET
@never_cache
@csp_override(IMAGE_CSP)
def upload_image(request: MemberRequest, pk: int) -> FileResponse:
    upload = get_upload_or_404(request.user, pk)
    response = FileResponse(
        upload.file.open("rb"),
        content_type=upload.content_type,
        as_attachment=False,
        filename=upload.download_name,
    )
    # Private: never kept by a shared cache; no-store as permission can change at any time.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _decide(request: MemberRequest, pk: int, decide) -> HttpResponse:
    upload = get_upload_or_404(request.user, pk)
    check_can_decide(request.user, upload)  # 403 for the uploader, before any redirect
    if not has_second_factor(request.user):
        messages.warning(request, _("Reviewing images needs two-factor authentication."))
        return redirect("mfa_index")
    decide(upload)
    return redirect(upload.the_case.get_absolute_url() + f"#image-{upload.pk}")


@require_POST
def upload_approve(request: MemberRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda upload: actions.approve(upload, by=request.user, note=request.POST.get("note", "")),
    )


@require_POST
def upload_reject(request: MemberRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    if reason not in Upload.RejectionReason.values:
        return HttpResponse(_("Choose a reason from the policy list."), status=400)
    return _decide(
        request,
        pk,
        lambda upload: actions.reject(
            upload, by=request.user, reason=reason, note=request.POST.get("note", "")[:2000]
        ),
    )
