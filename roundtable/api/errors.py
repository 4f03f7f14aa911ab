"""One error shape for every API failure: {"detail": ..., "code": ...}, plus "field" for a broken
domain rule and "errors" (with locations) for input that does not validate."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from roundtable.core.errors import DomainError, PermissionDenied


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


# The error statuses each operation documents: 400 a broken domain rule (or a body that is not
# JSON), 401 no or a bad token, 403 seen but not allowed, 404 not found or hidden, 422 input that
# does not match the schema, 413 a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
READ_ERRORS = frozenset({400, 401, 403, 404, 422})
WRITE_ERRORS = READ_ERRORS | {413}


class BodyUnreadable(ValueError):
    """A request body that is not JSON a person could have meant; its message says why."""


def _refuse_constant(name: str) -> Any:
    raise BodyUnreadable(f"The request body is not valid JSON: {name} is not a JSON number.")


def _check_strings(value: Any) -> None:
    """Refuse lone surrogates (a JSON "\\ud800" with no pair): they are no text, and encoding
    them for the database or the response fails."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BodyUnreadable(
                "The request body is not valid JSON text: it holds an unpaired surrogate "
                f"(a \\u escape between D800 and DFFF) at position {exc.start} of a string."
            ) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


class JsonParser(Parser):
    """JSON object bodies as RFC 8259 has them: UTF-8, no NaN or Infinity, no lone surrogates."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise BodyUnreadable(f"The request body is not valid JSON: {exc}.") from exc
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise BodyUnreadable(f"The request body could not be read: {exc}.") from exc
        if not isinstance(data, dict):
            # Every body of this API is an object; pydantic would read a list's missing
            # attributes as "all defaults" and accept it.
            raise BodyUnreadable("The request body must be a JSON object.")
        _check_strings(data)
        return data


# Ninja raises its errors with these placeholder messages; we replace them with sentences.
_STATUS_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthorized", "Sign in, or send a personal API token as 'Authorization: Bearer …'."),
    403: ("forbidden", "You may see this, but you are not allowed to change it."),
    404: ("not_found", "Not found."),
    429: ("throttled", "Too many requests; try again shortly."),
}
_PLACEHOLDERS = {"Unauthorized", "Forbidden", "Not Found", ""}


# Services name model fields; the API takes references as `<name>_id` / `<name>_ids`, so an error
# about "sponsor" is reported against the "sponsor_id" the client sent.
_INPUT_FIELDS = {
    "sponsor": "sponsor_id",
    "coordinators": "coordinator_ids",
    "lead": "lead_id",
    "members": "member_ids",
    "member": "member_id",
    "manager": "manager_id",
    "meeting": "meeting_id",
    "owner": "owner_id",
    NON_FIELD_ERRORS: None,
}


def _respond(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, code: str, **extra: Any
) -> HttpResponse:
    body = {"detail": detail, "code": code}
    body.update({k: v for k, v in extra.items() if v is not None})
    return api.create_response(request, body, status=status)


def register_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        field = _INPUT_FIELDS.get(exc.field, exc.field) if exc.field else None
        return _respond(api, request, status, exc.message, exc.code, field=field)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The selectors' messages ("No such circle.") are the same whether the object is
        # missing or hidden, so passing them on reveals nothing.
        return _respond(api, request, 404, str(exc) or "Not found.", "not_found")

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # Only loc/msg/type: pydantic's "ctx" and "input" may hold values that are not JSON.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors
        ]
        return _respond(api, request, 422, "The request is not valid.", "invalid", errors=errors)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _respond(
            api,
            request,
            413,
            f"The request body is too large: at most {limit // 1024} kB is read.",
            "too_large",
        )

    # Covers ninja's AuthenticationError (401), AuthorizationError (403) and Throttled (429).
    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, default = _STATUS_DEFAULTS.get(exc.status_code, ("error", "The request failed."))
        detail = default if exc.message in _PLACEHOLDERS else exc.message
        if isinstance(exc.__cause__, BodyUnreadable):
            # Ninja wraps the parser's error in a bare "Cannot parse request body".
            detail = str(exc.__cause__)
        return _respond(api, request, exc.status_code, detail, code)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc  # Django's technical page, with the traceback, for the developer
        # What Django does for an uncaught exception (the signal, the log line with the
        # traceback for the admins), with the API's body instead of the site's HTML page.
        signals.got_request_exception.send(sender=None, request=request)
        response = _respond(
            api,
            request,
            500,
            "Something went wrong on our side and it has been logged. Try again; if it keeps "
            "happening, tell your administrator.",
            "server_error",
        )
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )
        return response


class MethodNotAllowedMiddleware:
    """Ninja answers a known API path asked with a method it does not serve by a plain-text
    405; API clients get the API's error shape instead, with the same Allow header."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            response.status_code != 405
            or match is None
            or "api" not in match.namespaces
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m))
        json = JsonResponse(
            {
                "detail": f"This endpoint does not accept {request.method}; it accepts "
                f"{allowed or 'no method'}.",
                "code": "method_not_allowed",
            },
            status=405,
        )
        json["Allow"] = allowed
        return json
