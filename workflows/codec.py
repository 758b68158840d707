"""AES-GCM payload codec: workflow inputs, results and failure details reach Temporal only as ciphertext."""
from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes, PayloadCodec

from models.settings import Settings

ENCODING = b"binary/encrypted"
_NONCE_BYTES = 12
_KEY_FILE = "codec.key"


def key_id(key: bytes) -> str:
    """A short fingerprint stored with each payload, so a wrong key gives a clear error instead of garbage."""
    return hashlib.sha256(key).hexdigest()[:12]


class EncryptionCodec(PayloadCodec):
    """Encrypts each whole payload (metadata and data) with AES-256-GCM and a fresh random nonce."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the codec key must be 32 bytes (AES-256)")
        self._aead = AESGCM(key)
        self._key_id = key_id(key).encode()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) if p.metadata.get("encoding") == ENCODING else p for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, payload.SerializeToString(), self._key_id)
        return Payload(metadata={"encoding": ENCODING, "encryption-key-id": self._key_id}, data=nonce + sealed)

    def _decrypt(self, payload: Payload) -> Payload:
        found = payload.metadata.get("encryption-key-id", b"")
        if found != self._key_id:
            raise ValueError(f"payload was encrypted with key {found.decode()!r}, not {self._key_id.decode()!r}")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        return Payload.FromString(self._aead.decrypt(nonce, sealed, self._key_id))


def data_converter(key: bytes) -> DataConverter:
    """The converter every client and worker uses: encrypted payloads, failure messages and stack traces too."""
    return DataConverter(payload_codec=EncryptionCodec(key),
                         failure_converter_class=DefaultFailureConverterWithEncodedAttributes)


def load_or_create_key(settings: Settings) -> bytes:
    """settings.codec_key when set, else var/codec.key, created once (mode 0600) by whichever process comes first."""
    if settings.codec_key:
        return _decode_key(settings.codec_key, "PRM_CODEC_KEY")
    path = Path(settings.var_dir) / _KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _decode_key(path.read_text(), str(path))


def _decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValueError(f"codec key in {where} is not valid base64") from exc
    if len(key) != 32:
        raise ValueError(f"codec key in {where} must decode to 32 bytes, not {len(key)}")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new key privately, then link it into place: a concurrent creator's key wins and ours is dropped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{_KEY_FILE}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, base64.b64encode(AESGCM.generate_key(bit_length=256)) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process created the key first; everyone must use that one
    finally:
        tmp.unlink()
