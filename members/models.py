from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import Specialty
from privatefiles import private_storage


class UserQuerySet(models.QuerySet["User"]):
    def verified(self) -> UserQuerySet:
        return self.filter(status=User.Status.VERIFIED, is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """The first admin, made from the command line: verified and holding the admin role."""
        fields.setdefault("status", User.Status.VERIFIED)
        fields.setdefault("verified_at", timezone.now())
        fields["is_admin"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """An account. Email is the login; nobody has a username, and emails are never shown."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        VERIFIED = "verified", _("Verified member")
        SUSPENDED = "suspended", _("Suspended")
        DEACTIVATED = "deactivated", _("Deactivated")

    email = models.EmailField(_("email address"), unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    is_admin = models.BooleanField(_("admin"), default=False)
    # Django's flag for "may authenticate at all"; false while suspended or deactivated.
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # Never the email: this string ends up in admin pages, logs and audit labels.
        return self.display_name

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.full_name:
            return profile.full_name
        return f"Member #{self.pk}"

    @property
    def is_verified_member(self) -> bool:
        return self.is_active and self.status == self.Status.VERIFIED

    @property
    def is_staff(self) -> bool:
        """Django admin's notion of staff: admins only."""
        return self.is_active and self.is_admin

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def moderated_specialties(self) -> models.QuerySet[Specialty]:
        return Specialty.objects.filter(moderator_scopes__user=self)

    @property
    def is_moderator(self) -> bool:
        if not self.is_verified_member:
            return False
        # Thread and list pages prefetch authors' scopes: no query per name shown.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("moderator_scopes")
        if prefetched is not None:
            return bool(prefetched)
        # The header and the staff-powers notice both ask: once per instance (one request).
        known = self.__dict__.get("_is_moderator")
        if known is None:
            known = self.__dict__["_is_moderator"] = self.moderator_scopes.exists()
        return known

    def moderates(self, specialty: Specialty) -> bool:
        """Admins moderate every specialty; moderators only those they were given."""
        if not self.is_verified_member:
            return False
        if self.is_admin:
            return True
        # Asked once per image and post on a thread page: remembered for this instance, which
        # lives as long as its request (a new scope shows from the next request on).
        known = self.__dict__.setdefault("_moderates", {})
        if specialty.pk not in known:
            known[specialty.pk] = self.moderator_scopes.filter(specialty=specialty).exists()
        return known[specialty.pk]


class Profile(models.Model):
    """What a member told us about themselves. Licence details are seen by admins only."""

    class ProfessionalRole(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant / attending surgeon")
        TRAINEE = "trainee", _("Surgeon in training")
        ALLIED = "allied", _("Allied professional (surgical assistant, theatre nurse…)")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=120)
    professional_role = models.CharField(
        _("professional role"), max_length=12, choices=ProfessionalRole.choices
    )
    specialty = models.ForeignKey(
        "forum.Specialty",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("specialty"),
    )
    institution = models.CharField(_("institution"), max_length=160)
    country = models.CharField(_("country"), max_length=80)
    registration_body = models.CharField(
        _("registration body"),
        max_length=120,
        help_text=_("For example GMC, state medical board, Ärztekammer."),
    )
    licence_number = models.CharField(_("licence / registration number"), max_length=60)

    def __str__(self) -> str:
        return self.full_name


class ApplicationQuerySet(models.QuerySet["Application"]):
    def pending(self) -> ApplicationQuerySet:
        """Waiting for an admin, oldest first: first come, first verified."""
        return self.filter(status=Application.Status.PENDING).order_by("submitted_at", "pk")


class Application(models.Model):
    """An applicant's request to be verified, and the admin's decision on it.

    Once decided, only the decision, who made it and when are kept: the credential
    documents are deleted (GDPR Art. 5 data minimisation).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        MORE_INFO = "more_info", _("More information requested")
        REJECTED = "rejected", _("Rejected")
        APPROVED = "approved", _("Approved")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="application")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The rejection reason or the information asked for; shown to the applicant.
    decision_note = models.TextField(blank=True)

    objects = ApplicationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Application #{self.pk}"

    @property
    def can_be_edited_by_applicant(self) -> bool:
        return self.status in {self.Status.MORE_INFO, self.Status.REJECTED}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING


def credential_path(instance: CredentialDocument, filename: str) -> str:
    # Random names: the applicant's own file name may carry their name or licence number.
    return f"credentials/{uuid.uuid4().hex}"


class CredentialDocument(models.Model):
    """A credential the applicant uploaded (PDF, JPEG or PNG), readable by admins only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=credential_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Credential document #{self.pk}"

    @property
    def download_name(self) -> str:
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
        return (
            f"credential-{self.application_id}-{self.pk}.{extension.get(self.content_type, 'bin')}"
        )


class ModeratorScope(models.Model):
    """One specialty a moderator looks after. A member with any scope is a moderator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="moderator_scopes")
    specialty = models.ForeignKey(
        "forum.Specialty", on_delete=models.CASCADE, related_name="moderator_scopes"
    )
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Moved here from the moderation app; the table keeps its name.
        db_table = "moderation_moderatorscope"
        constraints = [
            models.UniqueConstraint(fields=["user", "specialty"], name="one_scope_per_specialty")
        ]

    def __str__(self) -> str:
        return f"{self.user} moderates {self.specialty}"
