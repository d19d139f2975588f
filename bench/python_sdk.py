#!/usr/bin/env python3
"""The official Python SDK (huaweicloudsdkkps) doing the bench's call: DisassociateKeypair of the emulator's
benchmark server, signed with AK/SK, one call at a time (the SDK's client is synchronous).

Driven round by round so that bench/python-comparison.mjs can interleave its rounds with kps-wasm's: after
building the client and one unrecorded warm-up round, it prints {"ready": true, ...}; then for every line
on stdin (a round's length in ms) it runs calls until that time has passed or --max-calls calls were made,
and prints {"rate": calls_per_second}. It exits at the end of stdin. By hand, with the virtualenv
`cargo xtask bench` prepares:

    printf '2000\\n2000\\n' | target/bench/venv/bin/python bench/python_sdk.py http://127.0.0.1:PORT
"""
import argparse
import importlib.metadata
import json
import platform
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkkps.v3 import (
    DisassociateEcsServerInfo,
    DisassociateKeypairRequest,
    DisassociateKeypairRequestBody,
    KpsClient,
)

# The emulator's benchmark fixture (bench/fixture.mjs holds the same values).
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SERVER_ID = "b0000000-0000-4000-8000-000000000001"
ACCESS_KEY_ID = "HPUAL7MDDNZ3EXAMPLE1"
SECRET_ACCESS_KEY = "qLZBJ9k7Xh2mEXAMPLEsecretKEYqLZBJ9k7Xh2m"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--warmup-ms", type=float, default=300)
    parser.add_argument("--max-calls", type=int, default=100000)
    args = parser.parse_args()
    if not args.endpoint.startswith("http://127.0.0.1:"):
        parser.error("the endpoint must be the emulator on http://127.0.0.1:PORT")

    config = HttpConfig.get_default_config()
    # The emulator speaks plain http; the SDK uses an http:// endpoint as given.
    config.ignore_ssl_verification = True
    client = (
        KpsClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, PROJECT_ID))
        .with_endpoints([args.endpoint])
        .build()
    )

    def call():
        body = DisassociateKeypairRequestBody(server=DisassociateEcsServerInfo(id=SERVER_ID))
        response = client.disassociate_keypair(DisassociateKeypairRequest(body=body))
        if not isinstance(response.task_id, str) or not response.task_id:
            raise SystemExit(f"the SDK call returned no task ID: {response}")

    def timed_round(round_ms):
        start = time.perf_counter()
        deadline = start + round_ms / 1000
        calls = 0
        while calls < args.max_calls and time.perf_counter() < deadline:
            call()
            calls += 1
        return calls / (time.perf_counter() - start)

    timed_round(args.warmup_ms)
    say({
        "ready": True,
        "runtime": f"python {platform.python_version()}",
        "sdk": f"huaweicloudsdkkps {importlib.metadata.version('huaweicloudsdkkps')}",
    })
    for line in sys.stdin:
        say({"rate": timed_round(float(line))})


def say(message):
    print(json.dumps(message), flush=True)


if __name__ == "__main__":
    main()
