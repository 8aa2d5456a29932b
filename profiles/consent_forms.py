"""Forms that ask for consent: the signup form (ACCOUNT_FORMS["signup"]) and the accept page."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from accounts.forms import SignupForm
from profiles.consent import consent_accept, legal_documents_in_force, marketing_consent_set
from profiles.consent_models import LegalDocument

MARKETING_LABEL = "Send me news about new courses and events (optional; you can change this any time)"


def _document_link(document: LegalDocument) -> str:
    return document.url or reverse("consent:document", args=[document.kind])


def acceptance_field(document: LegalDocument) -> forms.BooleanField:
    noun = "terms of service" if document.kind == LegalDocument.Kind.TERMS else "privacy policy"
    return forms.BooleanField(
        required=True,
        label=format_html(
            'I accept the <a href="{}" target="_blank" rel="noopener">{}</a> (version {})',
            _document_link(document),
            noun,
            document.version,
        ),
        error_messages={"required": f"Please accept the {noun} to continue."},
    )


class DocumentAcceptanceMixin:
    """One required checkbox per document version in force (`accept_terms`, `accept_privacy`)."""

    def add_acceptance_fields(self, documents) -> None:
        self.documents_to_accept = list(documents)
        for document in self.documents_to_accept:
            self.fields[f"accept_{document.kind}"] = acceptance_field(document)


class ConsentSignupForm(DocumentAcceptanceMixin, SignupForm):
    """The signup form with the terms, the privacy policy (required) and marketing email (optional)."""

    marketing = forms.BooleanField(required=False, label=MARKETING_LABEL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_acceptance_fields(legal_documents_in_force().values())
        # Checkboxes after the password fields, marketing last.
        order = [name for name in self.fields if name != "marketing"] + ["marketing"]
        self.order_fields(order)

    def save(self, request):
        user = super().save(request)
        if user is not None:
            consent_accept(user=user, documents=self.documents_to_accept, request=request)
            if self.cleaned_data.get("marketing"):
                marketing_consent_set(user=user, granted=True, request=request)
        return user


class ConsentAcceptForm(DocumentAcceptanceMixin, forms.Form):
    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_acceptance_fields(documents)


class MarketingConsentForm(forms.Form):
    marketing = forms.BooleanField(required=False, label="Send me news about new courses and events")
