#!/usr/bin/env python3
"""Throughput of the official Python SDK (huaweicloudsdkkps) doing the bench's call: DisassociateKeypair of the
emulator's benchmark server, signed with AK/SK, one call at a time (the SDK's client is synchronous).

Timed rounds after one unrecorded warm-up round; each round runs until round-ms have passed or max-calls
calls were made. Prints one JSON object on stdout. Run it with the virtualenv `cargo xtask bench` prepares:

    target/bench/venv/bin/python bench/python_sdk.py http://127.0.0.1:PORT [--rounds 5] [--round-ms 2000]
"""
import argparse
import importlib.metadata
import json
import platform
import statistics
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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-ms", type=float, default=2000)
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
    rates = [timed_round(args.round_ms) for _ in range(args.rounds)]
    print(json.dumps({
        "runtime": f"python {platform.python_version()}",
        "sdk": f"huaweicloudsdkkps {importlib.metadata.version('huaweicloudsdkkps')}",
        "rounds": args.rounds,
        "roundMs": args.round_ms,
        "unit": "req/s",
        "concurrency": 1,
        "auth": "aksk",
        "sdk_python": summary(rates),
    }))


def summary(values):
    def rounded(value):
        return float(f"{value:.4g}")
    return {
        "median": rounded(statistics.median(values)),
        "min": rounded(min(values)),
        "max": rounded(max(values)),
        "values": [rounded(v) for v in values],
    }


if __name__ == "__main__":
    main()
