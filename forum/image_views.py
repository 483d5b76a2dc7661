"""Images on posts: upload a draft (scrubbed on arrival), redact or discard it, and serve it.

Serving is the only way an image leaves storage: every request checks that the viewer may
see it now (forum/permissions.py, `can_see_image`), and the response is an inert, private,
sandboxed image. Moderators' decisions on images are moderation's (moderation/post_views.py).
"""

from __future__ import annotations

import json

from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from forum.inputs import parse_int
from forum.permissions import get_image_or_404
from members.permissions import MemberRequest
from members.quotas import QuotaReached
from uploads import actions
from uploads.handlers import contents
from uploads.models import Upload
from uploads.pipeline import ScrubberBusy, ScrubberUnavailable
from uploads.scrub import Refused

# An image response can do nothing but be an image, even opened on its own.
IMAGE_CSP = {"default-src": ["'none'"], "sandbox": [""]}


def refused(refusal: Refused, status: int = 400) -> JsonResponse:
    """A refusal as the upload widget reads it. The file's fault is `status` (400 unless
    told); ours (the scrubber busy or down) is 503 with Retry-After, `ours` set, and `retry`
    when the widget should send the same file again by itself."""
    if isinstance(refusal, ScrubberUnavailable):
        response = JsonResponse(
            {"error": str(refusal), "ours": True, "retry": isinstance(refusal, ScrubberBusy)},
            status=503,
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response
    return JsonResponse({"error": str(refusal)}, status=status)


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
        with contents(uploaded) as data:
            upload = actions.store(
                request.user, data, too_large=getattr(uploaded, "too_large", False)
            )
    except Refused as refusal:
        return refused(refusal)
    except QuotaReached as reached:
        return JsonResponse({"error": str(reached)}, status=429)
    return JsonResponse(upload_json(upload), status=201)


def _box(value: object) -> list[int]:
    """x, y, width, height in whole pixels, as the editor sends them."""
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("a box is four numbers")
    numbers = [parse_int(number, low=-100_000, high=100_000) for number in value]
    if None in numbers:
        raise ValueError("a box is four whole numbers of pixels")
    return numbers  # type: ignore[return-value]


@require_POST
def upload_redact(request: MemberRequest, pk: int) -> JsonResponse:
    upload = get_image_or_404(request.user, pk)
    try:
        edits = json.loads(request.body or b"{}")
        if not isinstance(edits, dict):
            raise ValueError("the edits are an object")
        rotate = parse_int(edits.get("rotate", 0), high=270)
        if rotate not in {0, 90, 180, 270}:
            raise ValueError("rotation must be a quarter turn")
        crop = edits.get("crop")
        if crop is not None:
            crop = _box(crop)
        rectangles = edits.get("rectangles", [])
        if not isinstance(rectangles, list) or len(rectangles) > 100:
            raise ValueError("at most 100 rectangles")
        rectangles = [_box(rect) for rect in rectangles]
        actions.redact(upload, by=request.user, rotate=rotate, crop=crop, rectangles=rectangles)
    except (ValueError, RecursionError):
        # Not JSON, nested past reason, or numbers that are not whole pixels (1e999, "x").
        return JsonResponse({"error": _("The edits could not be read.")}, status=400)
    except Refused as refusal:
        return refused(refusal, status=403)
    return JsonResponse(upload_json(upload))


@require_POST
def upload_discard(request: MemberRequest, pk: int) -> HttpResponse:
    upload = get_image_or_404(request.user, pk)
    try:
        actions.discard(upload, by=request.user)
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    return HttpResponse(status=204)


@require_GET
@never_cache
@csp_override(IMAGE_CSP)
def upload_image(request: MemberRequest, pk: int) -> FileResponse:
    upload = get_image_or_404(request.user, pk)
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
