"""Optional two-factor sign-in (TOTP, django-otp) for agents and administrators.

A user turns it on from the account page: a new, unconfirmed device shows its QR code; the
first correct code confirms it. From then on the sign-in form asks for a code, and the admin
site lets the account in only when its session was verified with one. An administrator can
remove the device of someone who lost their phone (admin: TOTP devices); every change is audited.
"""

from __future__ import annotations

import base64
import io

import segno
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from escalade.accounts import signin
from escalade.audit.chain import record
from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer

DEVICE_NAME = "Authenticator app"


def may_use(user) -> bool:
    """Agents and administrators may turn on two-factor sign-in; customers use their password."""
    return bool(user.is_staff or user.is_superuser or Viewer.of(user).is_staff_side)


def device_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if two-factor sign-in is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def verify(device: TOTPDevice, token: str) -> bool:
    """Check a code against the device (locked, so a code is accepted once; django-otp slows
    down repeated wrong codes)."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(token.replace(" ", "")))


def start(user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing an unconfirmed one)."""
    if not may_use(user):
        raise PermissionDenied(_("Two-factor sign-in is for agents and administrators."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm(user, token: str, *, address: str) -> bool:
    """Turn two-factor sign-in on with the first code of the pending authenticator."""
    device = pending_device(user)
    if device is None or not verify(device, token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        record(actor=user.get_username(), actor_user=user, action="auth.two_factor_enabled", obj=user,
               after={"address": address, "device": DEVICE_NAME})
    return True


def turn_off(user, token: str, *, address: str) -> bool:
    """Turn two-factor sign-in off; it takes a current code, so a borrowed session cannot."""
    device = device_of(user)
    if device is None or not verify(device, token):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record(actor=user.get_username(), actor_user=user, action="auth.two_factor_disabled", obj=user,
               after={"address": address})
    return True


def qr_svg(device: TOTPDevice, account: str) -> str:
    """The QR code of the device's otpauth:// address, as an inline SVG element."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=4, xmldecl=False, nl=False,
                                    title=_("QR code for %(account)s") % {"account": account},
                                    svgclass="qr-code")
    return out.getvalue().decode()


def secret_of(device: TOTPDevice) -> str:
    """The key as base32, for typing into an app that cannot scan (groups of four)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def session_is_verified(request) -> bool:
    """The session may use what two-factor protects: the account has no authenticator, it was
    verified with a code, or it signed in through single sign-on (the provider's own factors)."""
    user = request.user
    if not user.is_authenticated or device_of(user) is None:
        return True
    if getattr(user, "is_verified", lambda: False)():
        return True
    return request.session.get(BACKEND_SESSION_KEY) == signin.SSO_BACKEND
