"""Wagtail's document and image forms, with the library's checks on the uploaded file.

Settings WAGTAILDOCS_DOCUMENT_FORM_BASE / WAGTAILIMAGES_IMAGE_FORM_BASE point here, so every
admin path that takes a file (add, multiple add, edit, the choosers' upload tabs) validates it
with `upload_accept`: a refused file is a form error on the File field with the reason; an
accepted one is stored by uploads.handlers when the object is saved (held if not yet scanned).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from uploads.exceptions import UploadRefused
from uploads.handlers import ACCEPTED_UPLOAD_ATTRIBUTE
from uploads.services import upload_accept, upload_adopt


class SafeUploadFormMixin:
    upload_feature: str

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not isinstance(file, UploadedFile):
            return file  # no new file (an edit of the title, tags, …)
        try:
            accepted = upload_accept(file, feature=self.upload_feature, actor=getattr(self, "user", None))
        except UploadRefused as exc:
            raise ValidationError(f"This file was refused. {exc.message}", code=exc.code) from None
        setattr(self.instance, ACCEPTED_UPLOAD_ATTRIBUTE, accepted)
        return file

    def _post_clean(self):
        # Wagtail's Document.clean re-checks the extension of the (now empty) file field and
        # would add "File extension “” is not allowed" under our reason: keep the reason alone.
        refusal = self._errors.get("file")
        refusal = refusal.copy() if refusal else None
        super()._post_clean()
        if refusal is not None:
            self._errors["file"] = refusal

    def save(self, commit=True):
        instance = self.instance
        if (
            "file" not in self.fields
            and instance._state.adding
            and instance.file
            and getattr(instance.file, "_committed", False)
            and not hasattr(instance, ACCEPTED_UPLOAD_ATTRIBUTE)
        ):
            # Wagtail's multiple uploader created the object from a file it stored earlier
            # (its metadata form had failed): scan that file now.
            upload_adopt(instance.file, feature=self.upload_feature, original_name=instance.title or "")
        return super().save(commit=commit)


class SafeDocumentForm(SafeUploadFormMixin, BaseDocumentForm):
    upload_feature = "document"


class SafeImageForm(SafeUploadFormMixin, BaseImageForm):
    upload_feature = "image"
