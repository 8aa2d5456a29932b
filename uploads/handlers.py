"""Storing accepted Wagtail documents and images; dropping held copies when they are deleted.

Model signals are the one hook both admin paths share: the single-file views save through the
form, the multiple uploader calls `form.save(commit=False)` and then `object.save()` itself.
The pre_save handler runs before the file would be written and the row inserted, so a held
file never touches MEDIA_ROOT and its record exists before anything points at it.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_save

from uploads.services import scanned_upload_forget, upload_store

# Set by uploads.forms on the form's instance when a new file was accepted.
ACCEPTED_UPLOAD_ATTRIBUTE = "_accepted_upload"


def store_accepted_upload(sender, instance, raw=False, **kwargs):
    accepted = instance.__dict__.pop(ACCEPTED_UPLOAD_ATTRIBUTE, None)
    if accepted is None or raw:
        return
    if instance.pk is not None:
        previous = sender.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
        if previous and previous != instance.file.name:
            scanned_upload_forget(previous)  # the file being replaced
    upload_store(accepted, field_file=instance.file, actor=getattr(instance, "uploaded_by_user", None))


def forget_deleted_upload(sender, instance, **kwargs):
    if instance.file:
        scanned_upload_forget(instance.file.name)


def connect_wagtail_media_handlers() -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    for model in (get_document_model(), get_image_model()):
        pre_save.connect(store_accepted_upload, sender=model, dispatch_uid=f"uploads.store.{model._meta.label}")
        post_delete.connect(forget_deleted_upload, sender=model, dispatch_uid=f"uploads.forget.{model._meta.label}")
