"""Object types of the Security page: account, sessions, devices and the success payloads."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.audit import EventPage, encode_cursor
from auth.network import mask_ip
from auth.passwords import PasswordPolicy as PasswordRules
from auth.sessions import SessionPolicy
from auth.two_factor import backup_codes_remaining as count_backup_codes
from models import Account as AccountRow
from models import ApiKey as ApiKeyRow
from models import SecurityEvent as SecurityEventRow
from models import Session as SessionRow
from schema.enums import ClientKind, SecurityEventType
from schema.ids import global_id


@strawberry.interface(
    description=("An object with a globally unique id (Relay global object identification); refetch it with node(id).")
)
class Node:
    # A plain field, computed with the object: a per-object id resolver would cost CPU on every list and
    # break the shared subscription payloads, whose fields must not resolve per socket (schema.sharing).
    id: strawberry.ID = strawberry.field(
        description="Opaque global id: the type and a random key, never a count; store it, do not parse it."
    )


@strawberry.type(description="Browser and operating system, parsed from the User-Agent.")
class Device:
    browser: str | None = strawberry.field(description='Browser and major version, e.g. "Chrome 131".')
    os: str | None = strawberry.field(description='Operating system, e.g. "macOS" or "Windows 10".')


@strawberry.type(description="The signed-in person's account.")
class Account(Node):
    # The table's counter stays on the server; the global id is keyed by the random public_id.
    row_id: strawberry.Private[int]
    email: str = strawberry.field(description="Email address, lower-cased.")
    two_factor_enabled: bool = strawberry.field(description="Whether every sign-in asks for a TOTP code.")
    password_changed_at: datetime = strawberry.field(description="When the password was last set (UTC).")
    created_at: datetime = strawberry.field(description="When the account was created (UTC).")

    # Strawberry types its field decorator with arguments as returning Any.
    @strawberry.field(description="Unused backup codes (0 when 2FA is off).")  # type: ignore[untyped-decorator]
    async def backup_codes_remaining(self) -> int:
        # Counted only when asked for, so no caller has to remember to load it.
        return await count_backup_codes(self.row_id) if self.two_factor_enabled else 0

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        """The API view of an account row."""
        return cls(
            id=strawberry.ID(global_id("Account", row.public_id)),
            row_id=row.id,
            email=row.email,
            two_factor_enabled=row.totp_enabled_at is not None,
            password_changed_at=row.password_changed_at,
            created_at=row.created_at,
        )


@strawberry.type(description="A device signed in to the account.")
class Session(Node):
    # The session's own random id, which the global id wraps; compared to mark the current session.
    key: strawberry.Private[str]
    client: ClientKind = strawberry.field(description="Web or mobile; decides the idle timeout.")
    device: Device = strawberry.field(description="Browser and operating system.")
    location: str | None = strawberry.field(description='Approximate place from the IP ("Berlin, Germany").')
    ip_address: str | None = strawberry.field(description="IP address, partially masked (203.0.113.xxx).")
    last_active_at: datetime = strawberry.field(description="Last activity, updated at most once a minute.")
    created_at: datetime = strawberry.field(description="When this sign-in happened.")
    expires_at: datetime = strawberry.field(description="When it ends if it stays idle.")
    current: bool = strawberry.field(description="True for the session making this request (or socket).")
    authenticated_at: datetime | None = strawberry.field(
        description="When this session last proved who it is: its sign-in, reauthenticate, a password change "
        "or switching two-factor off in it."
    )
    reauthentication_expires_at: datetime | None = strawberry.field(
        description="When the recent-authentication window closes (authenticatedAt + REAUTH_WINDOW); past it, "
        "createApiKey, startTotpSetup and enableTotp answer ReauthenticationRequired."
    )

    @classmethod
    def from_row(cls, row: SessionRow, *, current_id: object, policy: SessionPolicy) -> Session:
        """The API view of a session row, seen from the session ``current_id``."""
        return cls(
            id=strawberry.ID(global_id("Session", row.id)),
            key=str(row.id),
            client=ClientKind(row.client),
            device=Device(browser=row.browser, os=row.os),
            location=row.location,
            ip_address=mask_ip(row.ip_address),
            last_active_at=row.last_active_at,
            created_at=row.created_at,
            expires_at=policy.expires_at(row),
            current=str(row.id) == str(current_id),
            authenticated_at=row.authenticated_at,
            reauthentication_expires_at=policy.reauthentication_expires_at(row),
        )


@strawberry.type(description="The password rules, so the frontend can validate before submitting.")
class PasswordPolicy:
    min_length: int = strawberry.field(description="Fewest characters (Unicode code points after NFKC).")
    max_length: int = strawberry.field(description="Most characters (Unicode code points after NFKC).")
    history_size: int = strawberry.field(description="How many recent passwords cannot be reused.")

    @classmethod
    def from_rules(cls, rules: PasswordRules) -> PasswordPolicy:
        """The API view of the policy."""
        return cls(min_length=rules.min_length, max_length=rules.max_length, history_size=rules.history_size)


@strawberry.type(description="Signed in: a session was created.")
class SignedIn:
    account: Account = strawberry.field(description="The signed-in account.")
    session: Session = strawberry.field(description="The new session.")
    token: str | None = strawberry.field(
        description="Bearer token for MOBILE sign-ins only; WEB sign-ins get it as an HttpOnly cookie."
    )
    device_token: str | None = strawberry.field(
        description="Known-device credential for MOBILE sign-ins only (WEB: an HttpOnly cookie); send it back in "
        "signIn to be counted apart from guesses made elsewhere. It changes at every sign-in: keep the newest."
    )


@strawberry.type(description="The password was right; now send a TOTP or backup code with verifyTwoFactor.")
class TwoFactorRequired:
    challenge: str = strawberry.field(description="Single-use challenge for verifyTwoFactor; grants nothing else.")
    expires_at: datetime = strawberry.field(description="When the challenge stops working (5 minutes).")


@strawberry.type(description="The session proved who it is: it may create credentials until `until`.")
class Reauthenticated:
    until: datetime = strawberry.field(description="When the recent-authentication window closes.")
    session: Session = strawberry.field(description="The current session, with its new authenticatedAt.")


@strawberry.type(description="The current session ended.")
class SignedOut:
    session_id: strawberry.ID = strawberry.field(description="The global id of the session that ended.")


@strawberry.type(description="The session was ended; its token is refused and its sockets closed.")
class SessionRevoked:
    id: strawberry.ID = strawberry.field(
        description="The global id of the session that ended.", deprecation_reason="Use session { id }."
    )
    session: Session = strawberry.field(
        description="The ended session as it was last seen: remove it from cached session lists."
    )


@strawberry.type(description="Several sessions were ended.")
class SessionsRevoked:
    count: int = strawberry.field(description="How many sessions this call ended.")
    sessions: list[Session] = strawberry.field(
        description="The sessions this call ended, as last seen: remove them from cached session lists."
    )
    revoked_api_keys: int = strawberry.field(
        default=0, description="How many API keys this call revoked (signOutEverywhere with revokeApiKeys)."
    )


@strawberry.type(description="The password was changed.")
class PasswordChanged:
    account: Account = strawberry.field(description="The account, with its new passwordChangedAt.")
    signed_out_sessions: int = strawberry.field(description="How many other sessions were signed out.")
    revoked_api_keys: int = strawberry.field(default=0, description="How many API keys were revoked (revokeApiKeys).")


@strawberry.type(description="The request was taken; the same answer whether or not an account has the email.")
class PasswordResetRequested:
    message: str = strawberry.field(description="What to tell the person: look for the mail.")


@strawberry.type(description="The password was reset: every session of the account ended, its API keys were revoked.")
class PasswordReset:
    signed_out_sessions: int = strawberry.field(description="How many sessions were signed out.")
    revoked_api_keys: int = strawberry.field(description="How many API keys were revoked.")


@strawberry.type(
    description="A started two-factor setup, shown once; nothing is active until enableTotp confirms a code."
)
class TotpSetup:
    secret: str = strawberry.field(description="The base32 secret, for typing into an app that cannot scan.")
    otpauth_uri: str = strawberry.field(description="The otpauth:// URI (issuer Workestra, account email).")
    qr_code_svg: str = strawberry.field(description="An SVG image of the QR code of otpauthUri.")
    backup_codes: list[str] = strawberry.field(
        description="10 single-use backup codes (XXXX-XXXX-XXXX-XXXX), valid once 2FA is enabled; shown only now."
    )


@strawberry.type(description="Two-factor authentication is on: every sign-in now asks for a code.")
class TotpEnabled:
    account: Account = strawberry.field(description="The account, with twoFactorEnabled and its backup codes.")


@strawberry.type(description="Two-factor authentication is off; its secret and backup codes were deleted.")
class TotpDisabled:
    account: Account = strawberry.field(description="The account, with twoFactorEnabled false.")


@strawberry.type(description="A new set of backup codes; every earlier code stopped working.")
class BackupCodes:
    codes: list[str] = strawberry.field(description="10 single-use backup codes (XXXX-XXXX-XXXX-XXXX); shown only now.")


@strawberry.type(description="One entry of the account's security audit log; never holds a secret.")
class SecurityEvent(Node):
    type: SecurityEventType = strawberry.field(description="What happened.")
    occurred_at: datetime = strawberry.field(description="When it happened (UTC).")
    ip_address: str | None = strawberry.field(description="IP address of whoever acted, partially masked.")
    device: Device = strawberry.field(description="Browser and operating system of whoever acted.")
    location: str | None = strawberry.field(description="Approximate place of the IP; null when unknown.")
    session_id: strawberry.ID | None = strawberry.field(
        description=(
            "The global id of the session the event is about (opened, ended, or the one that made the change);"
            " null if none."
        )
    )

    @classmethod
    def from_row(cls, row: SecurityEventRow) -> SecurityEvent:
        """The API view of an audit row."""
        return cls(
            id=strawberry.ID(global_id("SecurityEvent", row.public_id)),
            type=SecurityEventType(row.type),
            occurred_at=row.occurred_at,
            ip_address=row.ip_address,
            device=Device(browser=row.browser, os=row.os),
            location=row.location,
            session_id=strawberry.ID(global_id("Session", row.session_id)) if row.session_id else None,
        )


@strawberry.type(description="One event of a page, with the cursor to continue after it.")
class SecurityEventEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this event: `after` it come older events, `before` it newer ones."
    )
    node: SecurityEvent = strawberry.field(description="The event.")


@strawberry.type(description="Where a page of a connection ends.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether older entries follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether newer entries precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge of this page; null when empty.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge of this page; null when empty.")


@strawberry.type(description="A page of the security audit log, newest first (Relay connection).")
class SecurityEventConnection:
    edges: list[SecurityEventEdge] = strawberry.field(description="The events of this page, newest first.")
    nodes: list[SecurityEvent] = strawberry.field(description="The same events without their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether more events follow, and where to continue.")

    @classmethod
    def from_page(cls, page: EventPage) -> SecurityEventConnection:
        """The connection of one page of rows."""
        edges = [
            SecurityEventEdge(cursor=encode_cursor(row.public_id), node=SecurityEvent.from_row(row))
            for row in page.events
        ]
        info = PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, nodes=[edge.node for edge in edges], page_info=info)


@strawberry.type(description="A read-only credential for scripts and dashboards; the key itself is never shown again.")
class ApiKey(Node):
    name: str = strawberry.field(description="What the key is for, as its owner named it.")
    prefix: str = strawberry.field(description='The first characters of the key ("wk_" and 8 more), to recognise it.')
    created_at: datetime = strawberry.field(description="When the key was created (UTC).")
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used, updated at most once a minute; null if never."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the key stops working; null when it never expires. An expired key is refused."
    )

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        """The API view of a key row (never its hash)."""
        return cls(
            id=strawberry.ID(global_id("ApiKey", row.id)),
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
        )


@strawberry.type(description="A new API key; `secret` is shown only now.")
class ApiKeyCreated:
    api_key: ApiKey = strawberry.field(description="The key's details, as apiKeys lists them.")
    secret: str = strawberry.field(
        description="The key itself, for `Authorization: Bearer <key>`; shown once, stored only as a hash."
    )


@strawberry.type(description="The API key was revoked: it is refused from now on and its sockets are closed.")
class ApiKeyRevoked:
    id: strawberry.ID = strawberry.field(
        description="The global id of the key that was revoked.", deprecation_reason="Use apiKey { id }."
    )
    api_key: ApiKey = strawberry.field(description="The revoked key as it was last seen: remove it from cached lists.")
