from datetime import datetime

from django import template

from review.timing import format_duration

register = template.Library()


@register.filter
def waited(since: datetime, now: datetime) -> str:
    """How long an item has waited, in the queue's own words ("under a minute", "3 h 20 min")
    rather than timesince's "0 minutes"."""
    return format_duration((now - since).total_seconds())
