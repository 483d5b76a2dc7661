from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.erasure import POSTS_ANONYMISE, POSTS_DELETE


class DeleteAccountForm(forms.Form):
    posts = forms.ChoiceField(
        label=_("Your cases and replies"),
        choices=[
            (
                POSTS_ANONYMISE,
                _("Keep them for colleagues to learn from, shown as by “former member”"),
            ),
            (POSTS_DELETE, _("Delete them: each becomes a “deleted” placeholder in its thread")),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account, profile and images are deleted for good."),
    )
