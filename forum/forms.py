from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.inputs import parse_ids
from forum.models import Case, Specialty
from members.forms import MultipleFileInput

MARKDOWN_HELP = _("Markdown: *emphasis*, **bold**, lists, > quotes, `code`, tables, links.")
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9+-]{0,39}$")


def textarea(rows: int = 4, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ImagesField(forms.FileField):
    """Images sent with the form itself, for browsers without the upload widget."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [forms.FileField.clean(self, item, initial) for item in files]


class ScreenedForm(forms.Form):
    """A form whose text goes through the PHI screen. After findings, the author can edit,
    or explain why the text is not identifying and send it to a moderator."""

    justification = forms.CharField(
        label=_("Why this is not identifying (for the moderator)"),
        required=False,
        max_length=1000,
        widget=textarea(3),
        help_text=_(
            "Only if you are sure: the post waits, unpublished, until a moderator has read it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page asks the screen about these while the author types (static/js/forms.js).
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and name != "justification":
                field.widget.attrs["data-screen"] = ""

    acknowledge_warnings = forms.BooleanField(
        label=_("I have checked the warnings: with this case they don't identify anyone"),
        required=False,
        help_text=_("The post is published; its moderators see the warnings you checked."),
    )


class WithImagesForm(ScreenedForm):
    """Drafts already scrubbed by the upload widget (ids), or files sent with the form."""

    uploads = forms.CharField(required=False, widget=forms.HiddenInput)
    images = ImagesField(
        label=_("Images (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=_(
            "Scrubbed of metadata on arrival. Each waits for a moderator before anyone "
            "else sees it. Black out faces, tattoos and labels first."
        ),
    )

    def clean_uploads(self) -> list[int]:
        value = self.cleaned_data["uploads"] or ""
        return parse_ids(value)


class CaseForm(WithImagesForm):
    specialty = forms.ModelChoiceField(
        label=_("Specialty"), queryset=Specialty.objects.active(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        help_text=_("What the case is about, without anything that identifies the patient."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("Choose a band")), *Case.AgeBand.choices],
        help_text=_("A band, never an exact age or date of birth."),
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional)"),
        choices=[("", _("Not stated")), *Case.Sex.choices],
        required=False,
    )
    presentation = forms.CharField(
        label=Case.SECTIONS[0][1], widget=textarea(5), max_length=20000, help_text=MARKDOWN_HELP
    )
    investigations = forms.CharField(
        label=Case.SECTIONS[1][1], widget=textarea(4), max_length=20000
    )
    plan = forms.CharField(label=Case.SECTIONS[2][1], widget=textarea(4), max_length=20000)
    intraop_findings = forms.CharField(
        label=_("Intra-operative findings (optional)"),
        widget=textarea(3),
        max_length=20000,
        required=False,
    )
    complication = forms.CharField(
        label=_("Complication (optional)"), widget=textarea(3), max_length=20000, required=False
    )
    question = forms.CharField(
        label=Case.SECTIONS[5][1],
        widget=textarea(3),
        max_length=5000,
        help_text=_("What you would like colleagues to help you decide."),
    )
    tags = forms.CharField(
        label=_("Tags (optional)"),
        required=False,
        max_length=300,
        help_text=_("Procedure or approach, separated by commas: tapp, robotic, mesh-removal."),
    )
    coi_disclosure = forms.CharField(
        label=_("Conflict of interest (optional)"),
        required=False,
        max_length=2000,
        widget=textarea(2),
        help_text=_("Payments, consultancies or holdings related to this case: shown with it."),
    )
    attest_deidentified = forms.BooleanField(
        label=_("This case is de-identified: no names, dates, record numbers, places or faces."),
        required=True,
    )
    consent_basis = forms.ChoiceField(
        label=_("Consent"), choices=Case.ConsentBasis.choices, widget=forms.RadioSelect
    )
    consent_reason = forms.CharField(
        label=_("Consent is not required because…"),
        required=False,
        max_length=300,
        help_text=_("For example: fully anonymised images with no unique features."),
    )

    def clean_tags(self) -> list[str]:
        names = [name.strip().lower() for name in self.cleaned_data["tags"].split(",")]
        names = [re.sub(r"\s+", "-", name) for name in names if name]
        invalid = [name for name in names if not TAG_PATTERN.match(name)]
        if invalid:
            raise forms.ValidationError(
                _("Tags use letters, digits, + and -, up to 40 characters: %(tags)s"),
                params={"tags": ", ".join(invalid)},
            )
        if len(names) > 8:
            raise forms.ValidationError(_("Up to 8 tags."))
        return list(dict.fromkeys(names))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("consent_basis") == Case.ConsentBasis.NOT_REQUIRED
            and not (cleaned.get("consent_reason") or "").strip()
        ):
            self.add_error("consent_reason", _("Say why consent is not required."))
        return cleaned

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {
            **{name: getattr(case, name) for name in (*Case.TEXT_FIELDS, "age_band", "sex")},
            "specialty": case.specialty_id,
            "tags": ", ".join(tag.name for tag in case.tags.all()),
            "consent_basis": case.consent_basis,
            "consent_reason": case.consent_reason,
        }


class ReplyForm(WithImagesForm):
    body = forms.CharField(
        label=_("Your reply"), widget=textarea(6), max_length=20000, help_text=MARKDOWN_HELP
    )
    coi_disclosure = forms.CharField(
        label=_("Conflict of interest (optional)"),
        required=False,
        max_length=2000,
        widget=textarea(2),
    )
    quotes = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OutcomeForm(ScreenedForm):
    outcome = forms.CharField(
        label=_("Outcome follow-up"),
        widget=textarea(6),
        max_length=20000,
        help_text=_("What happened next, and what you would do differently. ") + str(MARKDOWN_HELP),
    )
