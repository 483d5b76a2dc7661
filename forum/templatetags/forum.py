from django import template
from django.utils.translation import gettext as _

from forum.models import Case
from forum.permissions import case_title_for
from members.models import User
from review.timing import format_duration, median_image_review_seconds

register = template.Library()


@register.simple_tag
def median_image_review() -> str:
    """The published median time to an image decision over the last 30 days, in words."""
    seconds = median_image_review_seconds(30)
    if seconds is None:
        return _("Not enough reviews in the last 30 days to say how long review takes.")
    return _("Images are reviewed in %(time)s (median over the last 30 days).") % {
        "time": format_duration(seconds)
    }


@register.filter
def title_for(case: Case, user: User) -> str:
    """`{{ case|title_for:user }}`: the title, or "Hidden case" / "Deleted case" to a viewer
    who may not read it (forum/permissions.py, case_title_for)."""
    return case_title_for(user, case)
