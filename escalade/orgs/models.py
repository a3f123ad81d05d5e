"""Who is involved: customers (organisations) and their contacts, partners, and agents
with their support levels and teams. This app owns these tables."""

from __future__ import annotations

import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_language(value: str) -> None:
    if value and value not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        raise ValidationError(_("%(value)r is not a language Escalade speaks; use one of %(codes)s")
                              % {"value": value, "codes": codes})


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(value)r is not an IANA time zone (e.g. Europe/London)") % {"value": value}) from None


class Partner(models.Model):
    """An MSP or ISP that gives first-line support to the organisations it serves."""

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), unique=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A customer. Its plan names a plan in the active support policy."""

    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    slug = models.SlugField(verbose_name=_("slug"), unique=True)
    plan = models.CharField(
        verbose_name=_("plan"), max_length=50, default="standard", help_text=_("A plan key from the support policy."),
    )
    timezone = models.CharField(
        verbose_name=_("time zone"), max_length=64, default="UTC", validators=[validate_timezone],
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_("The partner serving this customer as first-line support, if any."),
    )
    email_domains = models.CharField(
        verbose_name=_("email domains"), max_length=500, blank=True,
        help_text=_("Comma-separated mail domains of this customer."),
    )
    monthly_fee = models.DecimalField(
        verbose_name=_("monthly fee"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("The contract's monthly fee; service-credit statements show credits as amounts of it."),
    )
    currency = models.CharField(
        verbose_name=_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code of the fee, e.g. EUR."),
    )
    language = models.CharField(
        verbose_name=_("language"), max_length=10, blank=True, default="", validators=[validate_language],
        help_text=_("The language of the pages and emails of this customer's contacts, unless a contact chose "
                    "one; empty: the site's."))
    holiday_country = models.CharField(
        verbose_name=_("holiday country"), max_length=2, blank=True,
        help_text=_("ISO country code of this customer's public holidays, e.g. GB; used by calendars whose "
                    "holiday_country is 'customer'."))
    holiday_subdivision = models.CharField(
        verbose_name=_("holiday region"), max_length=10, blank=True,
        help_text=_("Region within that country, e.g. ENG or TX."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def holidays(self) -> str:
        """The customer's public holidays as a calendar takes them: "GB", "US-TX", or "" for none."""
        if not self.holiday_country:
            return ""
        region = self.holiday_subdivision
        return f"{self.holiday_country}-{region}" if region else self.holiday_country

    def clean(self) -> None:
        from escalade.businesstime import Calendar, CalendarError

        if self.holiday_subdivision and not self.holiday_country:
            raise ValidationError({"holiday_country": "a region needs its country too"})
        if self.holiday_country:
            try:
                Calendar.always().with_holidays(self.holiday_country, self.holiday_subdivision or None)
            except CalendarError as exc:
                raise ValidationError({"holiday_country": str(exc)}) from None


class Contact(models.Model):
    """A person at a customer."""

    CHANNELS = ("email", "sms", "phone", "portal")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contact",
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    email = models.EmailField(verbose_name=_("email"))
    phone = models.CharField(verbose_name=_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(verbose_name=_("primary contact"), default=False)
    is_technical = models.BooleanField(verbose_name=_("technical contact"), default=False)
    is_executive = models.BooleanField(verbose_name=_("executive contact"), default=False)
    is_billing = models.BooleanField(verbose_name=_("billing contact"), default=False)
    can_open_tickets = models.BooleanField(
        verbose_name=_("can open tickets"), default=True,
        help_text=_("Authorised by the customer to open tickets and make requests."),
    )
    channel_preferences = models.JSONField(
        verbose_name=_("channel preferences"),
        default=dict,
        blank=True,
        help_text=_('Channels per priority, e.g. {"P1": ["sms", "phone", "email"], "*": ["email"]}.'),
    )
    timezone = models.CharField(
        verbose_name=_("time zone"), max_length=64, blank=True, default="", validators=[validate_timezone],
        help_text=_("The contact's own time zone for the times they read; empty: the organisation's."),
    )
    language = models.CharField(
        verbose_name=_("language"), max_length=10, blank=True, default="", validators=[validate_language],
        help_text=_("The contact's own language for pages and emails; empty: the organisation's."),
    )
    quiet_hours_start = models.TimeField(
        verbose_name=_("quiet hours start"), null=True, blank=True, help_text=_("Local time, contact's organisation."),
    )
    quiet_hours_end = models.TimeField(verbose_name=_("quiet hours end"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="contact_email_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def clean(self) -> None:
        prefs = self.channel_preferences or {}
        if not isinstance(prefs, dict):
            raise ValidationError({"channel_preferences": "must be an object of priority → list of channels"})
        for priority, channels in prefs.items():
            unknown = [c for c in channels if c not in self.CHANNELS] if isinstance(channels, list) else [channels]
            if unknown:
                allowed = ", ".join(self.CHANNELS)
                raise ValidationError(
                    {"channel_preferences": f"{priority}: unknown channel {unknown[0]!r}; use {allowed}"}
                )

    def channels_for(self, priority: str) -> list[str]:
        """The channels this contact wants for tickets of `priority` (default: email)."""
        prefs = self.channel_preferences or {}
        return list(prefs.get(priority) or prefs.get("*") or ["email"])

    @property
    def roles(self) -> list[str]:
        flags = {
            "primary": self.is_primary,
            "technical": self.is_technical,
            "executive": self.is_executive,
            "billing": self.is_billing,
        }
        return [role for role, on in flags.items() if on]


class Level(models.Model):
    """A support level of the escalation ladder (L1 help desk … L4 executive)."""

    key = models.CharField(verbose_name=_("key"), max_length=10, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(verbose_name=_("rank"), unique=True, help_text=_("1 for L1, 2 for L2, …"))
    partner_runs_it = models.BooleanField(
        verbose_name=_("run by the partner"), default=False,
        help_text=_("Run by the customer's partner rather than the vendor (Zynstra L1/L2)."),
    )
    manager = models.ForeignKey(
        "Agent", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_levels",
    )

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Team(models.Model):
    key = models.SlugField(verbose_name=_("key"), unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    manager = models.ForeignKey(
        "Agent", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


_PHONE = re.compile(r"^\+[0-9][0-9 ()./-]{5,}$")


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value):
        raise ValidationError(_("%(value)r is not an international phone number (e.g. +44 7700 900123)")
                              % {"value": value})


class Agent(models.Model):
    """Staff of the vendor (partner is empty) or of a partner. Messages reach agents by email;
    pages (and calls) on the channels of `paging_preferences` for the ticket's priority."""

    PAGE_CHANNELS = ("pager", "sms", "phone", "email")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agent",
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT, related_name="agents"
    )
    levels = models.ManyToManyField(Level, verbose_name=_("levels"), blank=True, related_name="agents")
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="agents")
    is_manager = models.BooleanField(
        verbose_name=_("support manager"), default=False,
        help_text=_("Managers see every ticket their side may see, at every level."),
    )
    phone = models.CharField(
        verbose_name=_("phone"), max_length=40, blank=True, validators=[validate_phone],
        help_text=_("Mobile number for SMS and voice-call pages, international format (+44 7700 900123)."),
    )
    pager = models.CharField(
        verbose_name=_("pager"), max_length=100, blank=True,
        help_text=_("Pager address the pager gateway knows (e.g. the provider's user or device key)."),
    )
    paging_preferences = models.JSONField(
        verbose_name=_("paging preferences"), default=dict, blank=True,
        help_text=_('How pages reach this agent, per priority: {"P1": ["pager", "phone"], "*": ["sms"]}. '
                    "Channels: pager, sms, phone, email. Empty: pages are emailed. Other messages are emailed."),
    )
    timezone = models.CharField(
        verbose_name=_("time zone"), max_length=64, default="UTC", validators=[validate_timezone],
        help_text=_("The agent's time zone: for quiet hours and every time the agent reads."),
    )
    language = models.CharField(
        verbose_name=_("language"), max_length=10, blank=True, default="", validators=[validate_language],
        help_text=_("The agent's language for pages and emails; empty: the site's."),
    )
    quiet_hours_start = models.TimeField(
        verbose_name=_("quiet hours start"), null=True, blank=True,
        help_text=_("Local time; pages then go by email unless the ticket has the policy's highest priority."),
    )
    quiet_hours_end = models.TimeField(verbose_name=_("quiet hours end"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.name

    @property
    def is_vendor(self) -> bool:
        return self.partner_id is None

    def clean(self) -> None:
        prefs = self.paging_preferences or {}
        if not isinstance(prefs, dict):
            raise ValidationError({"paging_preferences": 'must be an object of priority → list of channels, '
                                                         'e.g. {"P1": ["pager", "sms"], "*": ["email"]}'})
        needs = {"pager": "pager", "sms": "phone", "phone": "phone"}
        for priority, channels in prefs.items():
            if not isinstance(channels, list) or not channels:
                raise ValidationError({"paging_preferences": f"{priority}: give a list of channels, e.g. "
                                                             f'["pager", "sms"]'})
            unknown = [c for c in channels if c not in self.PAGE_CHANNELS]
            if unknown:
                raise ValidationError({"paging_preferences": f"{priority}: unknown channel {unknown[0]!r}; use "
                                                             f"{', '.join(self.PAGE_CHANNELS)}"})
            for channel in channels:
                field = needs.get(channel)
                if field and not getattr(self, field):
                    raise ValidationError({field: f"needed: paging_preferences pages {priority} by {channel}"})
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            missing = "quiet_hours_end" if self.quiet_hours_end is None else "quiet_hours_start"
            raise ValidationError({missing: "give both the start and the end of the quiet hours"})

    def paging_channels_for(self, priority: str) -> list[str]:
        """The channels this agent wants pages on for tickets of `priority`; [] when not set."""
        prefs = self.paging_preferences or {}
        return list(prefs.get(priority) or prefs.get("*") or [])
