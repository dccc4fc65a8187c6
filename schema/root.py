"""Root operations. Field names are the product contract; each resolver lives in ``resolvers``."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers import (
    api_keys,
    change_password,
    create_api_key,
    disable_totp,
    enable_totp,
    known_devices,
    public,
    reauthenticate,
    recovery,
    regenerate_backup_codes,
    revoke_api_key,
    security_events,
    sessions,
    sign_in,
    sign_up,
    start_totp_setup,
    verify_two_factor,
    viewer,
)
from resolvers import nodes as global_ids
from schema.cost import DocumentCost, DocumentLimits, bounded_overlap_rule
from schema.cost_budget import FreshLane, ParseBudget
from schema.errors import ERROR_TYPES
from schema.masking import MaskUnexpectedErrors, ReportDatabaseOutages, report_errors
from schema.metrics import OperationMetrics
from schema.permissions import http_only, read_only_for_api_keys
from schema.sharing import SharingExecutor, SharingSchema


@strawberry.type(description="Read operations.")
class Query:
    me = strawberry.field(resolver=viewer.me, description="The signed-in account; null when signed out.")
    active_sessions = strawberry.field(
        resolver=viewer.active_sessions, description="Own live sessions, most recently active first."
    )
    password_policy = strawberry.field(
        resolver=public.password_policy, description="Password rules; no sign-in needed."
    )
    security_events = strawberry.field(
        resolver=security_events.security_events,
        description="Own security audit log, newest first, cursor-paginated (Relay connection).",
    )
    api_keys = strawberry.field(
        resolver=api_keys.api_keys, description="Own API keys that are not revoked, newest first; never the keys."
    )
    known_devices = strawberry.field(
        resolver=known_devices.known_devices,
        description="Own known devices (browsers and apps that completed a sign-in), most recently used first.",
    )
    node = strawberry.field(
        resolver=global_ids.node, description="One of the viewer's own objects by global id; null for anything else."
    )
    nodes = strawberry.field(
        resolver=global_ids.nodes, description="The viewer's own objects by global ids; null in place of anything else."
    )


# Every mutation changes account security, so none may be run with an API key (FORBIDDEN).
@read_only_for_api_keys
@strawberry.type(description="Changes to the account's security; API keys get a FORBIDDEN error on every one.")
class Mutation:
    # Those that set or clear the session cookie are refused over the WebSocket (HTTP_ONLY).
    sign_up = strawberry.mutation(
        resolver=sign_up.sign_up, description="Create an account and sign in (HTTP only).", extensions=http_only()
    )
    sign_in = strawberry.mutation(
        resolver=sign_in.sign_in, description="The password step of signing in (HTTP only).", extensions=http_only()
    )
    verify_two_factor = strawberry.mutation(
        resolver=verify_two_factor.verify_two_factor,
        description="The second step of signing in: a TOTP or backup code for the challenge from signIn (HTTP only).",
        extensions=http_only(),
    )
    change_password = strawberry.mutation(
        resolver=change_password.change_password,
        description="Replace the password (the current one is required); signs other sessions out by default.",
    )
    start_totp_setup = strawberry.mutation(
        resolver=start_totp_setup.start_totp_setup,
        description="Start setting up two-factor authentication: a new pending secret, QR code and backup codes.",
    )
    enable_totp = strawberry.mutation(
        resolver=enable_totp.enable_totp, description="Confirm the pending setup with a first code; 2FA goes on."
    )
    disable_totp = strawberry.mutation(
        resolver=disable_totp.disable_totp,
        description="Switch two-factor authentication off at once (the password is required).",
    )
    regenerate_backup_codes = strawberry.mutation(
        resolver=regenerate_backup_codes.regenerate_backup_codes,
        description="Replace the backup codes with a new set (the password is required).",
    )
    sign_out = strawberry.mutation(
        resolver=sessions.sign_out, description="End the current session (HTTP only).", extensions=http_only()
    )
    revoke_session = strawberry.mutation(resolver=sessions.revoke_session, description="Sign one device out.")
    revoke_all_other_sessions = strawberry.mutation(
        resolver=sessions.revoke_all_other_sessions, description="Keep only the current session."
    )
    sign_out_everywhere = strawberry.mutation(
        resolver=sessions.sign_out_everywhere,
        description="End every session, the current one too (HTTP only).",
        extensions=http_only(),
    )
    reauthenticate = strawberry.mutation(
        resolver=reauthenticate.reauthenticate,
        description="Prove it's you again (password, or a two-factor code): opens this session's window of "
        "REAUTH_WINDOW for createApiKey, startTotpSetup and enableTotp.",
    )
    create_api_key = strawberry.mutation(
        resolver=create_api_key.create_api_key,
        description="Create a read-only API key; the key itself is returned once.",
    )
    revoke_api_key = strawberry.mutation(
        resolver=revoke_api_key.revoke_api_key, description="Revoke an API key at once; its sockets are closed."
    )
    forget_device = strawberry.mutation(
        resolver=known_devices.forget_device,
        description="Forget a known device: its sign-ins are counted with everyone else's again.",
    )
    request_password_reset = strawberry.mutation(
        resolver=recovery.request_password_reset,
        description="Mail a password-reset link if an account has the email; the same answer either way.",
    )
    reset_password = strawberry.mutation(
        resolver=recovery.reset_password,
        description="Set a new password with a reset link; every session and API key ends (HTTP only).",
        extensions=http_only(),
    )


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription:
    active_sessions = strawberry.subscription(
        resolver=viewer.watch_active_sessions, description="Own live sessions now, then again after every change."
    )


class Schema(SharingSchema):
    """Strawberry's schema, with subscriptions served over WebSocket only (and shared results, schema.sharing).

    ``execute`` runs one operation to one result (HTTP): given a subscription, Strawberry would call its
    generator as a plain resolver and fail with a logged TypeError. It is refused as a wrong operation type
    instead (HTTP 400), like any operation sent where it does not belong.
    """

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        allowed = set(DEFAULT_ALLOWED_OPERATION_TYPES if allowed_operation_types is None else allowed_operation_types)
        allowed.discard(OperationType.SUBSCRIPTION)
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed, operation_extensions
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """One log line per request (``schema.masking.report_errors``), never the document."""
        report_errors(errors, execution_context)


# Strawberry's DateTime, with the format its values follow (UTC offsets included) stated for client tooling.
DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description="A date and time with its UTC offset, in RFC 3339 format (2026-01-31T09:30:00+00:00).",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339",
)


def build_schema(
    *,
    max_depth: int = 10,
    max_aliases: int = 15,
    max_tokens: int = 500,
    document_limits: DocumentLimits = DocumentLimits(),  # noqa: B008 (frozen)
    production: bool = False,
) -> strawberry.Schema:
    """The executable schema with its caches and query-size limits.

    ``production`` turns off introspection and field suggestions and masks unexpected errors.
    """
    # The limit rules are built once: the validation cache (schema/cost.py) keys on the rule classes, so
    # rules made afresh per request (QueryDepthLimiter/MaxAliasesLimiter factories) would never hit it.
    limit_rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(max_depth, None, None),
        alias_limit_rule(max_aliases),
    ]
    overlap_rule = bounded_overlap_rule(document_limits.max_field_comparisons)
    # One budget per schema, i.e. per process: what one client has spent is seen by all its requests.
    budget = ParseBudget(document_limits.parse_cpu_ms_per_second, document_limits.parse_cpu_burst_ms)
    lane = FreshLane()
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(ERROR_TYPES),
        extensions=[
            lambda: AddValidationRules(limit_rules),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            OperationMetrics,
            lambda: DocumentCost(document_limits, overlap_rule, budget, lane),  # parser and validation caches included
            ReportDatabaseOutages,
            *([DisableIntrospection, MaskUnexpectedErrors] if production else []),
        ],
        config=StrawberryConfig(disable_field_suggestions=production, scalar_map={datetime.datetime: DATE_TIME}),
        execution_context_class=SharingExecutor,
    )


schema = build_schema()
