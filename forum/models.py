from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpecialtyQuerySet(models.QuerySet["Specialty"]):
    def active(self) -> SpecialtyQuerySet:
        return self.filter(is_active=True)


class Specialty(models.Model):
    """A surgical specialty: the forum's sections, a member's home, a moderator's scope."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SpecialtyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name
