# Type stubs for the unicors._native extension module (checked against the
# built module by mypy.stubtest in CI).
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from typing import Any, Awaitable, Literal, Optional, Union, final

__version__: str
REQUEST_HEADER_NAMES: list[str]

def is_cors_response_header(name: Union[str, bytes]) -> bool: ...

_Text = Union[str, bytes]
_Headers = Union[Iterable[tuple[_Text, _Text]], Mapping[_Text, _Text]]
_Kind = Literal["not_cors", "preflight", "actual", "rejected"]

@final
class Problem:
    """One problem found in a policy."""

    @property
    def severity(self) -> Literal["error", "warning"]: ...
    @property
    def code(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

class ConfigError(ValueError):
    """A policy that cannot be built, with every problem found."""

    errors: list[Problem]
    warnings: list[Problem]

@final
class Decision:
    """The decision for one request."""

    @property
    def kind(self) -> _Kind: ...
    @property
    def rejected(self) -> bool: ...
    @property
    def status(self) -> Optional[int]: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    @property
    def raw_headers(self) -> list[tuple[bytes, bytes]]: ...
    @property
    def vary(self) -> str: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def reason_message(self) -> Optional[str]: ...
    def vary_to_append(self, existing: Union[_Text, Iterable[_Text], None] = None) -> str: ...
    def merge_raw(self, app_headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]: ...
    def merge_text(self, app_headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]: ...
    def response_raw(self) -> list[tuple[bytes, bytes]]: ...
    def response_text(self) -> list[tuple[str, str]]: ...
    def apply_to_header_store(self, store: dict[str, tuple[str, str]]) -> None: ...
    def wrap_start_response(self, start_response: Callable[..., Any]) -> CorsStartResponse: ...
    def wrap_send(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> CorsSend: ...

@final
class CorsStartResponse:
    """A WSGI start_response applying a decision to the app's headers."""

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any: ...

@final
class CorsSend:
    """An ASGI send applying a decision to the response's headers."""

    def __call__(self, message: dict[str, Any]) -> Awaitable[None]: ...

@final
class Policy:
    """A validated, immutable CORS policy, shared by any number of threads."""

    def __new__(
        cls,
        *,
        allow_origins: Union[list[str], tuple[str, ...], None] = ...,
        allow_origin_regex: Union[str, list[str], tuple[str, ...], None] = ...,
        allow_null_origin: Optional[bool] = ...,
        allow_methods: Union[list[str], tuple[str, ...], None] = ...,
        allow_headers: Union[list[str], tuple[str, ...], None] = ...,
        expose_headers: Union[list[str], tuple[str, ...], None] = ...,
        allow_credentials: Optional[bool] = ...,
        max_age: Optional[int] = ...,
        allow_private_network: Optional[bool] = ...,
        preflight_status: Optional[int] = ...,
        preflight_continue: Optional[bool] = ...,
        rejected_preflight_status: Optional[int] = ...,
        dangerously_allow_insecure_origins: Optional[bool] = ...,
        dangerously_allow_public_suffix_wildcards: Optional[bool] = ...,
        routes: Optional[list[dict[str, object]]] = ...,
    ) -> Policy: ...
    @staticmethod
    def from_file(path: Union[str, PathLike[str]]) -> Policy: ...
    @staticmethod
    def from_toml(text: str) -> Policy: ...
    @staticmethod
    def from_json(text: str) -> Policy: ...
    @property
    def warnings(self) -> list[Problem]: ...
    def evaluate(
        self,
        method: _Text,
        headers: _Headers,
        path: Optional[_Text] = None,
        origin_allowed: Optional[bool] = None,
    ) -> Decision: ...

@final
class ShadowDifference:
    """A request the report-only policy would answer differently."""

    @property
    def decision(self) -> Decision: ...
    @property
    def shadow(self) -> Decision: ...
    @property
    def difference(self) -> list[Literal["kind", "reason", "status", "headers", "vary"]]: ...
    @property
    def method(self) -> object: ...
    @property
    def path(self) -> Optional[object]: ...
    @property
    def origin(self) -> Optional[str]: ...

@final
class LivePolicy:
    """The enforced policy and an optional report-only one, swapped
    atomically, with counters of the decisions."""

    def __new__(
        cls,
        policy: Policy,
        shadow_policy: Optional[Policy] = None,
        on_difference: Optional[Callable[[ShadowDifference], object]] = None,
        policy_file: Union[str, PathLike[str], None] = None,
        shadow_file: Union[str, PathLike[str], None] = None,
    ) -> LivePolicy: ...
    @property
    def policy(self) -> Policy: ...
    @property
    def shadow_policy(self) -> Optional[Policy]: ...
    def set_policy(self, policy: Policy, policy_file: Union[str, PathLike[str], None] = None) -> None: ...
    def set_shadow_policy(
        self, shadow_policy: Optional[Policy], shadow_file: Union[str, PathLike[str], None] = None
    ) -> None: ...
    def reload(self) -> list[Problem]: ...
    def evaluate(
        self,
        method: _Text,
        headers: _Headers,
        path: Optional[_Text] = None,
        origin_allowed: Optional[bool] = None,
    ) -> Decision: ...
    def evaluate_environ(
        self, environ: Mapping[str, Any], origin_allowed: Optional[bool] = None
    ) -> Decision: ...
    def evaluate_scope(
        self, scope: Mapping[str, Any], origin_allowed: Optional[bool] = None
    ) -> Decision: ...
    def counters(self) -> dict[str, int]: ...
