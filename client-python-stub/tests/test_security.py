"""TLS, mTLS and bearer tokens: a real server process on loopback, certificates made here."""
import datetime
import ipaddress
import os
import pathlib
import pickle

import numpy as np
import pytest

import fgbg
from conftest import SMALL, Server, java_cli

ALICE = "alice-0123456789abcdef"  # may export
CI = "ci-fedcba9876543210"        # may not


def _certificates(folder):
    """A CA, a server certificate for localhost and 127.0.0.1, a client certificate, and a
    second CA with a client of its own; PEM files, PKCS#8 keys."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def issue(subject, key, issuer, issuer_key, ca, sans=None):
        b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(hours=1))
             .not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    def write(stem, cert, key=None):
        with open(os.path.join(folder, stem + ".pem"), "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            with open(os.path.join(folder, stem + ".key"), "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))

    keys = {k: ec.generate_private_key(ec.SECP256R1())
            for k in ("ca", "server", "client", "other-ca", "stranger")}
    write("ca", issue("fgbg test CA", keys["ca"], "fgbg test CA", keys["ca"], True))
    write("server", issue("localhost", keys["server"], "fgbg test CA", keys["ca"], False,
                          [x509.DNSName("localhost"),
                           x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), keys["server"])
    write("client", issue("trainer-1", keys["client"], "fgbg test CA", keys["ca"], False),
          keys["client"])
    write("other-ca", issue("other CA", keys["other-ca"], "other CA", keys["other-ca"], True))
    write("stranger", issue("stranger", keys["stranger"], "other CA", keys["other-ca"], False),
          keys["stranger"])
    return lambda stem, ext="pem": os.path.join(folder, "%s.%s" % (stem, ext))


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return _certificates(str(tmp_path_factory.mktemp("tls")))


@pytest.fixture(scope="module")
def secured(tls, tmp_path_factory):
    """mTLS (client certificates signed by the test CA) and bearer tokens."""
    tokens = tmp_path_factory.mktemp("tokens") / "tokens"
    tokens.write_text("# who may connect\n\nalice:%s export\nci:%s\n" % (ALICE, CI))
    os.chmod(tokens, 0o600)
    s = Server(SMALL + ["--tls-cert", tls("server"), "--tls-key", tls("server", "key"),
                        "--tls-client-ca", tls("ca"), "--token-file", str(tokens)],
               export_root=tmp_path_factory.mktemp("secured-exports"))
    yield s
    s.stop()


def _mtls(tls, token=None, ca="ca", client="client"):
    return fgbg.Credentials(tls_ca=tls(ca), tls_cert=tls(client), tls_key=tls(client, "key"),
                            token=token)


def _code(target, credentials):
    with pytest.raises(fgbg.FgbgError) as e:
        with fgbg.Client(target, timeout=10, credentials=credentials) as c:
            c.describe("builtin")
    return e.value.code


def test_mtls_with_a_token_streams_the_same_bytes_as_plaintext(server, secured, tls):
    with fgbg.Client(secured.target, credentials=_mtls(tls, ALICE)) as c:
        assert c.describe("builtin").size == 800
        secure = fgbg.SampleDigest()
        for b in c.stream_epoch(batch_size=64, limit=200, shuffle=True):
            secure.add_batch(b)
    with fgbg.Client(server.target) as c:
        plain = fgbg.SampleDigest()
        for b in c.stream_epoch(batch_size=64, limit=200, shuffle=True):
            plain.add_batch(b)
    assert secure.hex() == plain.hex() and secure.count == 200


def test_plaintext_no_client_certificate_and_another_ca_are_refused(secured, tls):
    with pytest.raises(fgbg.FgbgError) as plaintext:
        with fgbg.Client(secured.target, timeout=10, credentials=fgbg.Credentials(token=ALICE)) \
                as c:
            c.describe("builtin")
    assert plaintext.value.code == "UNAVAILABLE"
    assert "the connection closed before HTTP/2 began" in str(plaintext.value), plaintext.value
    assert "is it a TLS server?" in str(plaintext.value), plaintext.value
    assert _code(secured.target, fgbg.Credentials(tls_ca=tls("ca"), token=ALICE)) \
        == "UNAVAILABLE"
    assert _code(secured.target, _mtls(tls, ALICE, ca="other-ca")) == "UNAVAILABLE"
    assert _code(secured.target, _mtls(tls, ALICE, client="stranger")) == "UNAVAILABLE"


def test_tokens_unauthenticated_without_and_permission_denied_to_export(secured, tls):
    assert _code(secured.target, _mtls(tls)) == "UNAUTHENTICATED"
    with pytest.raises(fgbg.FgbgError) as e:
        with fgbg.Client(secured.target, timeout=10, credentials=_mtls(tls)) as c:
            c.describe("builtin")
    # Says what this client takes (token=), not only the CLI's flags.
    assert "Python: token= or fgbg.Credentials(token=...)" in e.value.details, e.value.details
    assert "--token-file" in e.value.details and "$FGBG_TOKEN" in e.value.details
    assert _code(secured.target, _mtls(tls, ALICE + "x")) == "UNAUTHENTICATED"
    with fgbg.Client(secured.target, credentials=_mtls(tls), token=CI) as c:
        assert c.describe("builtin").size == 800
        with pytest.raises(fgbg.FgbgError) as e:
            c.export("by-ci", format="npy", end=8, progress=False)
    assert e.value.code == "PERMISSION_DENIED" and "token 'ci' may not export" in e.value.details
    with fgbg.Client(secured.target, credentials=_mtls(tls, ALICE)) as c:
        assert c.export("by-alice", format="npy", end=8, progress=False).finished


def test_credentials_come_from_the_environment(secured, tls, monkeypatch):
    monkeypatch.setenv("FGBG_TLS_CA", tls("ca"))
    monkeypatch.setenv("FGBG_TLS_CERT", tls("client"))
    monkeypatch.setenv("FGBG_TLS_KEY", tls("client", "key"))
    monkeypatch.setenv("FGBG_TOKEN", CI)
    assert fgbg.Credentials.from_env() == _mtls(tls, CI)
    with fgbg.Client(secured.target) as c:
        assert c.describe("builtin").size == 800
    from fgbg.torch import FgbgDataset

    ds = FgbgDataset(secured.target)  # the environment's credentials, kept for its workers
    assert ds.credentials == _mtls(tls, CI) and len(ds) == 800
    # Datasets keep their credentials: their repr, vars() or a dump of them hides the token.
    c = fgbg.Client(secured.target)
    given = fgbg.Client(secured.target, token=CI)  # kept for its copies, hidden too
    assert given.describe("builtin").size == 800
    for shown in (repr(ds.credentials), str(ds.credentials), repr(vars(ds)), repr(vars(c)),
                  repr(vars(given))):
        assert CI not in shown and "token=<hidden, %d chars>" % len(CI) in shown, shown
    assert CI not in repr(c._metadata) and c.describe("builtin").size == 800
    assert pickle.loads(pickle.dumps(given)).describe("builtin").size == 800
    given.close()
    c.close()
    assert int(ds[7]["index"]) == 7
    # The Java CLI reads the same variables.
    out = java_cli("stream", "--target", secured.target, "--limit", "10",
                   env=dict(os.environ))
    assert out[0] == "samples: 10"


def test_bad_credentials_fail_naming_them(tls):
    with pytest.raises(ValueError, match="tls_cert and tls_key go together"):
        fgbg.Credentials(tls_cert=tls("client"))
    with pytest.raises(ValueError, match="token must be printable"):
        fgbg.Credentials(token="two words")
    with pytest.raises(ValueError, match="token must be printable ASCII"):
        fgbg.Credentials(token="\u00e4" * 18)  # gRPC would refuse the header itself
    for token, kind in ((b"s3cret", "bytes"), (123, "int")):
        with pytest.raises(TypeError, match=r"^token must be a str, got a value of type %s "
                           r"\(not shown: it may be a secret\)$" % kind) as e:
            fgbg.Credentials(token=token)
        assert "s3cret" not in str(e.value)
    with pytest.raises(TypeError, match=r"^tls must be True or False, got 'yes' \(str\)$"):
        fgbg.Credentials(tls="yes")
    with pytest.raises(TypeError, match=r"^tls_ca must be a path \(str or os.PathLike\), got 7 "
                       r"\(int\)$"):
        fgbg.Credentials(tls_ca=7)
    assert fgbg.Credentials(tls_ca=pathlib.Path(tls("ca"))).uses_tls
    assert fgbg.Credentials(tls_ca=pathlib.Path(tls("ca"))).tls_ca == tls("ca")
    numpy_flag = fgbg.Credentials(tls=np.True_)  # as fgbg._checks.flag takes flags everywhere
    assert numpy_flag.tls is True and numpy_flag.uses_tls
    with pytest.raises(TypeError, match=r"^credentials must be a fgbg.Credentials or None, got "
                       r"a str \(a token goes in token= or Credentials\(token=...\)\)$") as e:
        fgbg.Client("localhost:1", credentials=CI)
    assert CI not in str(e.value)  # a token given in the wrong place is not echoed
    assert repr(fgbg.Credentials()) == ("Credentials(tls=False, tls_ca=None, tls_cert=None, "
                                        "tls_key=None, token=None)")
    with pytest.raises(ValueError, match="tls_ca /nonexistent.pem: cannot read it"):
        fgbg.Client("localhost:1", credentials=fgbg.Credentials(tls_ca="/nonexistent.pem"))
