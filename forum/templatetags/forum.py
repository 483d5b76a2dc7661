from django import template
from django.utils.translation import gettext as _

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
