from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from forum.models import Specialty
from members.models import Profile

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The type is read from the file's first bytes, never from its name or the browser's claim.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files at once (credential documents, case images)."""

    allow_multiple_selected = True


class CredentialDocumentsField(forms.FileField):
    """Up to MAX_DOCUMENTS PDF/JPEG/PNG files; cleans to [(file, content type), ...]."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean(self, data, initial=None):  # type: ignore[override]
        files = [f for f in (data or []) if f]
        if len(files) > MAX_DOCUMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d documents.") % {"count": MAX_DOCUMENTS}
            )
        cleaned = []
        for upload in files:
            if getattr(upload, "too_large", False) or upload.size > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 10 MB.") % {"name": upload.name}
                )
            content_type = sniff_content_type(upload)
            if content_type is None:
                raise forms.ValidationError(
                    _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": upload.name}
                )
            cleaned.append((upload, content_type))
        return cleaned


class ApplicationForm(forms.ModelForm):
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.active(), label=_("Specialty"))
    documents = CredentialDocumentsField(
        label=_("Credential documents (optional)"),
        help_text=_(
            "PDF, JPEG or PNG, up to 5 files of 10 MB. Only admins can open them, and they "
            "are deleted as soon as your application is decided."
        ),
    )

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "professional_role",
            "specialty",
            "institution",
            "country",
            "registration_body",
            "licence_number",
        ]

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionForm(forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("more_info", _("Ask for more information")),
        ("reject", _("Reject")),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Reason or request (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") in {"reject", "more_info"}
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", _("Tell the applicant why, or what you need from them."))
        return cleaned


class MemberStatusForm(forms.Form):
    ACTIONS = [
        ("suspend", _("Suspend")),
        ("reinstate", _("Reinstate")),
        ("deactivate", _("Deactivate (has left)")),
    ]
    # No preselected action: a misplaced click must not suspend a colleague.
    action = forms.ChoiceField(
        choices=[("", _("Choose…")), *ACTIONS],
        error_messages={"required": _("Choose what to do.")},
    )
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class RoleForm(forms.Form):
    ACTIONS = [
        ("grant_moderator", _("Make moderator of a specialty")),
        ("revoke_moderator", _("Remove as moderator of a specialty")),
        ("grant_admin", _("Make admin")),
        ("revoke_admin", _("Remove admin role")),
    ]
    action = forms.ChoiceField(
        choices=[("", _("Choose…")), *ACTIONS],
        error_messages={"required": _("Choose what to do.")},
    )
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.active(), required=False)
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("action", "").endswith("_moderator") and not cleaned.get("specialty"):
            self.add_error("specialty", _("Choose the specialty."))
        return cleaned
