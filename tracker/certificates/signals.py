"""A certificate's file leaves the storage with its row.

A signal, not the service: a certificate is also deleted by the database cascade when its
owner's account is deleted (admin, SCIM), which no service of this app sees. The file is
deleted once the transaction commits, so a rolled-back deletion keeps it.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Certificate
from .services import delete_stored_file


@receiver(post_delete, sender=Certificate, dispatch_uid="certificates_delete_file")
def delete_certificate_file(sender, instance: Certificate, **kwargs) -> None:
    if instance.file:
        delete_stored_file(instance.file.name)
