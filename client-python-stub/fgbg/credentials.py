"""How a client reaches a server that asks for TLS, client certificates or a bearer token."""
import os
from dataclasses import dataclass, replace
from typing import Any, List, Optional, Sequence, Tuple

from ._checks import flag, path_arg, text
from ._channels import CALL, opened, refuse_if_forked_open
from .errors import token_too_long

__all__ = ["Credentials"]


def _read(path: Optional[str], what: str) -> Optional[bytes]:
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError("%s %s: cannot read it (%s)" % (what, path, e.strerror)) from None


@dataclass(frozen=True)
class Credentials:
    """TLS and token settings of a Client (picklable: DataLoader workers get them too).

    `tls_ca`: PEM CA certificates to trust (None: gRPC's default roots); `tls_cert`/`tls_key`:
    a PEM client certificate chain and its PKCS#8 key (mTLS); `tls`: speak TLS even without
    those files; `token`: bearer token sent with every call (at most errors.MAX_TOKEN_BYTES
    characters: an fgbg server takes no more). `Credentials.from_env()` reads FGBG_TLS
    (1/true), FGBG_TLS_CA, FGBG_TLS_CERT, FGBG_TLS_KEY and FGBG_TOKEN. The repr shows
    `token=<hidden, N chars>`, never the token."""

    tls: bool = False
    tls_ca: Optional[str] = None
    tls_cert: Optional[str] = None
    tls_key: Optional[str] = None
    token: Optional[str] = None

    def __post_init__(self) -> None:
        # Frozen: the checked values (a bool, str paths) are set as the dataclass sets fields.
        object.__setattr__(self, "tls", flag(self.tls, "tls"))
        for name in ("tls_ca", "tls_cert", "tls_key"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, path_arg(value, name))
        if self.token is not None:
            text(self.token, "token", secret=True)
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: give both or neither")
        if self.token is not None and (not self.token.strip() or any(
                not " " < c < "\x7f" for c in self.token.strip())):
            raise ValueError("token must be printable ASCII without spaces")
        too_long = token_too_long(self.token.strip()) if self.token else None
        if too_long is not None:
            raise ValueError(too_long)  # every call would be refused (errors.metadata_refused)

    def __repr__(self) -> str:
        # Datasets keep their Credentials: a repr or vars() in a notebook or a hyper-parameter
        # dump must not show the bearer token, only that there is one.
        return "Credentials(tls=%r, tls_ca=%r, tls_cert=%r, tls_key=%r, token=%s)" % (
            self.tls, self.tls_ca, self.tls_cert, self.tls_key,
            None if self.token is None else "<hidden, %d chars>" % len(self.token))

    @classmethod
    def of(cls, credentials: Optional["Credentials"], token: Optional[str]) -> "Credentials":
        """A Client's credentials argument (None: from_env()), with `token` (when given) as its
        bearer token; TypeError naming `credentials` when it is not a Credentials."""
        if credentials is None:
            credentials = cls.from_env()
        elif not isinstance(credentials, Credentials):
            raise TypeError("credentials must be a fgbg.Credentials or None, got a %s (a token "
                            "goes in token= or Credentials(token=...))"
                            % type(credentials).__name__)
        return credentials if token is None else replace(credentials, token=token)

    @classmethod
    def from_env(cls) -> "Credentials":
        """Credentials from FGBG_TLS (1, true or yes), FGBG_TLS_CA, FGBG_TLS_CERT,
        FGBG_TLS_KEY and FGBG_TOKEN (unset or empty: not used)."""
        env = os.environ
        return cls(tls=env.get("FGBG_TLS", "").lower() in ("1", "true", "yes"),
                   tls_ca=env.get("FGBG_TLS_CA") or None,
                   tls_cert=env.get("FGBG_TLS_CERT") or None,
                   tls_key=env.get("FGBG_TLS_KEY") or None,
                   token=env.get("FGBG_TOKEN") or None)

    @property
    def uses_tls(self) -> bool:
        """Whether the channel speaks TLS: `tls`, or a CA or client certificate given."""
        return self.tls or self.tls_ca is not None or self.tls_cert is not None

    def metadata(self) -> Tuple[Tuple[str, str], ...]:
        """Call metadata: the bearer token, if any (its repr hides the token)."""
        return _Metadata((("authorization", "Bearer " + self.token.strip()),)
                         if self.token else ())

    def channel(self, target: str, options: Sequence[Tuple[str, Any]]) -> Any:
        """A gRPC channel to `target`: TLS when asked for, else plaintext."""
        import grpc

        refuse_if_forked_open()
        opts: List[Tuple[str, Any]] = list(options)
        if not self.uses_tls:
            with CALL:  # gRPC starts its core here: not while a fork is under way
                return opened(grpc.insecure_channel(target, options=opts))
        creds = grpc.ssl_channel_credentials(
            root_certificates=_read(self.tls_ca, "tls_ca"),
            private_key=_read(self.tls_key, "tls_key"),
            certificate_chain=_read(self.tls_cert, "tls_cert"))
        with CALL:
            return opened(grpc.secure_channel(target, creds, options=opts))


class _Metadata(Tuple[Tuple[str, str], ...]):
    """Call metadata that a Client keeps: vars(client) must not show its bearer token."""

    def __repr__(self) -> str:
        return "(%s)" % ", ".join("(%r, <hidden>)" % (k,) for k, _ in self)
