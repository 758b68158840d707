"""The payload codec: nothing a workflow carries reaches the Temporal server in clear text."""
from __future__ import annotations

import base64
import stat
import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():  # the workflow sandbox re-imports this module
    import pytest

    from models.settings import Settings
    from workflows.codec import ENCODING, EncryptionCodec, data_converter, key_id, load_or_create_key
    from workflows.temporal_client import connect

MARKER = "Zebulon-Quackenbush-4711"
KEY = bytes(range(32))


@dataclass
class Greeting:
    patient_name: str


@activity.defn
async def shout(name: str) -> str:
    return f"HELLO {name}"


@workflow.defn(name="CodecProbe")
class CodecProbe:
    @workflow.run
    async def run(self, greeting: Greeting) -> str:
        loud = await workflow.execute_activity(shout, greeting.patient_name, start_to_close_timeout=timedelta(seconds=10))
        raise ApplicationError(f"could not reach {loud}", non_retryable=True)


async def _run_probe(client: Client) -> tuple[str, bytes]:
    """Run the probe through client; return the failure message it saw and the raw history bytes."""
    queue = f"codec-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[CodecProbe], activities=[shout]):
        handle = await client.start_workflow(CodecProbe.run, Greeting(MARKER), id=queue, task_queue=queue)
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
    return str(caught.value.cause), handle


async def _raw_history(plain: Client, workflow_id: str) -> bytes:
    history = await plain.get_workflow_handle(workflow_id).fetch_history()
    return History(events=history.events).SerializeToString()


async def test_marker_appears_nowhere_in_the_raw_history_when_the_codec_is_on(dev_server_env):
    plain = dev_server_env.client
    coded = await Client.connect(plain.service_client.config.target_host, namespace=plain.namespace,
                                 data_converter=data_converter(KEY))
    message, handle = await _run_probe(coded)
    assert message == f"could not reach HELLO {MARKER}"  # the codec client still reads everything back
    raw = await _raw_history(plain, handle.id)
    assert MARKER.encode() not in raw
    assert ENCODING in raw


async def test_connect_gives_a_client_with_the_key_from_var(dev_server_env, tmp_path):
    plain = dev_server_env.client
    settings = Settings(var_dir=tmp_path, codec_key="", temporal_address=plain.service_client.config.target_host,
                        temporal_namespace=plain.namespace)
    client = await connect(settings)
    codec = client.data_converter.payload_codec
    assert isinstance(codec, EncryptionCodec)
    [sealed] = await codec.encode([Payload(data=b"x")])
    assert sealed.metadata["encryption-key-id"] == key_id(load_or_create_key(settings)).encode()
    _, handle = await _run_probe(client)
    assert MARKER.encode() not in await _raw_history(plain, handle.id)


async def test_without_the_codec_the_marker_is_visible_so_the_check_above_can_fail(dev_server_env):
    _, handle = await _run_probe(dev_server_env.client)
    assert MARKER.encode() in await _raw_history(dev_server_env.client, handle.id)


async def test_codec_round_trips_and_refuses_a_different_key():
    original = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "x"}')
    [sealed] = await EncryptionCodec(KEY).encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata["encryption-key-id"] == key_id(KEY).encode()
    assert await EncryptionCodec(KEY).decode([sealed]) == [original]
    with pytest.raises(ValueError, match="payload was encrypted with key"):
        await EncryptionCodec(bytes(32)).decode([sealed])


async def test_unencrypted_payloads_pass_through_decode():
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b"1")
    assert await EncryptionCodec(KEY).decode([plain]) == [plain]


def test_key_is_generated_once_under_var_with_mode_0600(tmp_path):
    settings = Settings(var_dir=tmp_path / "var", codec_key="")
    first = load_or_create_key(settings)
    path = tmp_path / "var" / "codec.key"
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(settings) == first
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["codec.key"]


def test_key_from_settings_wins_and_a_bad_one_is_refused(tmp_path):
    good = Settings(var_dir=tmp_path, codec_key=base64.b64encode(KEY).decode())
    assert load_or_create_key(good) == KEY
    assert not (tmp_path / "codec.key").exists()
    with pytest.raises(ValueError, match="must decode to 32 bytes, not 3"):
        load_or_create_key(Settings(var_dir=tmp_path, codec_key="YWJj"))
    with pytest.raises(ValueError, match="not valid base64"):
        load_or_create_key(Settings(var_dir=tmp_path, codec_key="not base64!"))
