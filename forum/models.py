from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum import search

if TYPE_CHECKING:
    from members.models import User


class SpecialtyQuerySet(models.QuerySet["Specialty"]):
    def active(self) -> SpecialtyQuerySet:
        return self.filter(is_active=True)

    def with_activity(self) -> SpecialtyQuerySet:
        """Each with `case_count` and `last_activity_at` over its published cases: what a
        member scanning the sections wants to know (one query, one join)."""
        published = models.Q(cases__state=PostState.PUBLISHED)  # looked up when called
        return self.annotate(
            case_count=models.Count("cases", filter=published),
            last_activity_at=models.Max("cases__last_activity_at", filter=published),
        )


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


class Tag(models.Model):
    """A free tag on a case: a procedure or an approach ("tapp", "robotic", "mesh-removal")."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    # The PHI screen found something and the author asked a moderator to look: unpublished.
    HELD = "held", _("Waiting for moderator review")
    # Deleted by its author: the thread keeps a tombstone, the text is gone.
    DELETED = "deleted", _("Deleted")
    # Hidden by a moderator (or by flags, pending review): a tombstone with the reason.
    HIDDEN = "hidden", _("Hidden by a moderator")
    # A held post a moderator sent back: only its author sees it, to edit and resubmit.
    RETURNED = "returned", _("Returned to its author")


class ModeratedPost(models.Model):
    """What a case, a reply and an outcome share: where the post stands in its life, and
    what the screen and the moderators said about it."""

    state = models.CharField(max_length=10, choices=PostState.choices, default=PostState.PUBLISHED)
    # Why the author sent a screened post for review, and what the screen found.
    held_justification = models.TextField(blank=True)
    held_findings = models.JSONField(default=list, blank=True)
    # Quasi-identifiers the screen warned about and the author acknowledged ("a named
    # hospital"): published, and shown to the post's moderators.
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    # Why a moderator hid or returned it: shown on the tombstone, or to the author.
    moderation_reason = models.TextField(blank=True)
    # Who hid it (null: the flag rule, pending review), and whether the hide only waits for
    # a moderator: dismissing the flags reverts a pending hide, never a deliberate one.
    hidden_by = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_pending = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.state == PostState.PUBLISHED

    @property
    def is_deleted(self) -> bool:
        return self.state == PostState.DELETED

    @property
    def is_held(self) -> bool:
        return self.state == PostState.HELD

    @property
    def is_hidden(self) -> bool:
        return self.state == PostState.HIDDEN

    @property
    def is_returned(self) -> bool:
        return self.state == PostState.RETURNED


def _evidence(post: Case | Reply | Outcome, case: Case, text: dict[str, str]) -> dict[str, Any]:
    return {
        "post": post._meta.model_name,
        "post_id": post.pk,
        "case_id": case.pk,
        "case_title": case.title,
        "author_id": post.author_id,
        "state": post.state,
        "text": text,
        "taken_at": timezone.now().isoformat(),
    }


class CaseQuerySet(models.QuerySet["Case"]):
    def listed(self) -> CaseQuerySet:
        """What lists show every member: published cases, newest activity first."""
        return self.filter(state=PostState.PUBLISHED).order_by("-last_activity_at", "-pk")

    def for_list(self) -> CaseQuerySet:
        """Everything a case list row shows, in a fixed number of queries."""
        return self.select_related("specialty", "author__profile").prefetch_related(
            "tags", "author__moderator_scopes__specialty"
        )

    def by_author(self, user: User) -> CaseQuerySet:
        """The author's own cases, held and published (not deleted), newest first."""
        return self.filter(author=user).exclude(state=PostState.DELETED).order_by("-created_at")

    def followed_by(self, user: User) -> CaseQuerySet:
        return self.filter(follows__user=user, state=PostState.PUBLISHED).order_by(
            "-last_activity_at", "-pk"
        )

    def search(self, query: str) -> CaseQuerySet:
        """Full-text search over titles and text: FTS5 on SQLite, tsvector on PostgreSQL."""
        return search.filter_cases(self, query)


class Case(ModeratedPost):
    """A de-identified case a member brings to colleagues, in a template suited to surgery.

    Each Markdown section keeps its source here; `rendered` holds the sanitised HTML of each,
    made when the case is saved (forum/actions.py), never when a page is shown.
    """

    class AgeBand(models.TextChoices):
        # Bands, never an exact age: Safe Harbor treats ages over 89 as identifying.
        # En dashes in the labels, as typeset ranges.
        INFANT = "0-1", _("0–1")  # noqa: RUF001
        PRESCHOOL = "1-5", _("1–5")  # noqa: RUF001
        CHILD = "6-12", _("6–12")  # noqa: RUF001
        ADOLESCENT = "13-17", _("13–17")  # noqa: RUF001
        YOUNG_ADULT = "18-39", _("18–39")  # noqa: RUF001
        ADULT = "40-64", _("40–64")  # noqa: RUF001
        OLDER_ADULT = "65-89", _("65–89")  # noqa: RUF001
        OLDEST = "90+", _("90+")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other / intersex")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        OUTCOME = "outcome", _("Outcome posted")

    class ConsentBasis(models.TextChoices):
        CONSENTED = (
            "consented",
            _("The patient consented to sharing in a closed professional forum"),
        )
        NOT_REQUIRED = "not_required", _("Consent is not required (say why)")

    # The template's Markdown sections, in the order they are shown.
    SECTIONS = (
        ("presentation", _("Presentation and relevant history")),
        ("investigations", _("Investigations and imaging findings")),
        ("plan", _("Operation or plan so far")),
        ("intraop_findings", _("Intra-operative findings")),
        ("complication", _("Complication")),
        ("question", _("The question for colleagues")),
    )
    TEXT_FIELDS = ("title", *(name for name, _label in SECTIONS), "coi_disclosure")

    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="cases", verbose_name=_("specialty")
    )
    # Null once the author deleted their account and chose to leave posts as "former member".
    author = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=160)
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    presentation = models.TextField(_("presentation and relevant history"))
    investigations = models.TextField(_("investigations and imaging findings"))
    plan = models.TextField(_("operation or plan so far"))
    intraop_findings = models.TextField(_("intra-operative findings"), blank=True)
    complication = models.TextField(_("complication"), blank=True)
    question = models.TextField(_("the question for colleagues"))
    rendered = models.JSONField(default=dict, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    # Attestations, required before publishing, kept with the case and shown to moderators.
    attested_deidentified = models.BooleanField(default=False)
    consent_basis = models.CharField(max_length=12, choices=ConsentBasis.choices)
    consent_reason = models.CharField(max_length=300, blank=True)
    attested_at = models.DateTimeField(default=timezone.now)
    coi_disclosure = models.TextField(_("conflict of interest disclosure"), blank=True)

    # A locked thread takes no new replies.
    locked_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Published replies, kept by the reply verbs so that lists need no count per row.
    reply_count = models.PositiveIntegerField(default=0)
    # Title, sections, published outcome and tags as plain text: what search indexes.
    search_text = models.TextField(blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["specialty", "state", "-last_activity_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Case #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    def as_evidence(self) -> dict[str, Any]:
        """What the case said and was, at this moment: kept as evidence on a review item."""
        text = {name: getattr(self, name) for name in self.TEXT_FIELDS}
        # Tags are published with the case: the moderator reads them too.
        text["tags"] = ", ".join(tag.name for tag in self.tags.all()) if self.pk else ""
        return _evidence(self, self, text)

    @property
    def follow_up(self) -> Outcome | None:
        """The case's outcome, if its author has posted one (whatever its state)."""
        try:
            return self.outcome
        except Outcome.DoesNotExist:
            return None

    def sections(self) -> list[tuple[str, str, str]]:
        """(name, label, html) for each section that has text."""
        return [
            (name, str(label), self.rendered.get(name, ""))
            for name, label in self.SECTIONS
            if getattr(self, name)
        ]


class ReplyQuerySet(models.QuerySet["Reply"]):
    def for_thread(self) -> ReplyQuerySet:
        """A thread's replies with everything each shows, in a fixed number of queries."""
        return (
            self.select_related("author__profile", "quotes__author__profile")
            .prefetch_related("author__moderator_scopes__specialty")
            .order_by("created_at", "pk")
        )


class Reply(ModeratedPost):
    """A flat reply to a case. It may quote one earlier reply (or the case itself)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, related_name="replies"
    )
    body = models.TextField(_("reply"))
    body_html = models.TextField(editable=False)
    quotes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="quoted_by"
    )
    coi_disclosure = models.TextField(_("conflict of interest disclosure"), blank=True)
    # Set by the case's author: shown to everyone as "marked helpful by the author".
    helpful_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"Reply #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#reply-{self.pk}"

    def as_evidence(self) -> dict[str, Any]:
        """What the reply said and was, at this moment: kept as evidence on a review item."""
        return _evidence(
            self, self.case, {"body": self.body, "coi_disclosure": self.coi_disclosure}
        )


class Outcome(ModeratedPost):
    """A case's outcome follow-up (M&M-style learning), posted by the case's author at any
    time. Its own post: screened, held, returned, flagged and hidden on its own, with its own
    review item, so a case and its outcome each wait for (and get) their own decision."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outcome")
    body = models.TextField(_("outcome follow-up"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # When it first appeared to members (followers hear of it once).
    posted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Outcome of case #{self.case_id}"

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#outcome"

    @property
    def author_id(self) -> int | None:
        """The case's author's, always: an outcome has no author of its own."""
        return self.case.author_id

    @property
    def author(self) -> User | None:
        return self.case.author

    def as_evidence(self) -> dict[str, Any]:
        """What the outcome said and was, at this moment: kept as evidence on a review item."""
        return _evidence(self, self.case, {"body": self.body})


class Revision(models.Model):
    """A post as it was before an edit. Moderators read them; members see "edited"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="revisions")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, related_name="revisions")
    # What was edited: the case's text, its outcome, or a reply.
    part = models.CharField(max_length=10, default="case")
    edited_by = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, reply__isnull=True)
                | models.Q(case__isnull=True, reply__isnull=False),
                name="revision_of_one_post",
            )
        ]

    def __str__(self) -> str:
        return f"Revision #{self.pk}"


class Follow(models.Model):
    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="follows")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="one_follow")]

    def __str__(self) -> str:
        return f"{self.user_id} follows case {self.case_id}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """In-app only: activity on a followed case. Emails never carry case content."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("New reply")
        OUTCOME = "outcome", _("Outcome posted")
        # A moderator's decision on the member's own post or image, with the reason.
        MODERATION = "moderation", _("Moderation")

    user = models.ForeignKey("members.User", on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"Notification #{self.pk}"


class ThreadEvent(models.Model):
    """Something that changed in a thread, in commit order: the log that live viewers catch
    up from. Events carry ids and a kind only; the page fetches what changed through the
    normal permission-checked views, so moderation state is applied in one place."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("A reply was posted")
        REPLY_CHANGED = "reply_changed", _("A reply changed")  # edited, deleted, hidden, helpful
        CASE_CHANGED = "case_changed", _("The case changed")  # edited, outcome, locked, hidden
        IMAGE = "image", _("An image was approved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["case", "id"])]

    def __str__(self) -> str:
        return f"Event #{self.pk} ({self.kind})"

    def as_dict(self) -> dict:
        return {"id": self.pk, "kind": self.kind, "reply": self.reply_id}
