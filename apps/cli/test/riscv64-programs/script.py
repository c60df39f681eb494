import base64
import datetime
import hashlib
import json
import math
import platform
import random
import re
import struct
import sys

print(platform.machine(), sys.byteorder, sys.maxsize, sys.version_info[:2], sys.platform)
print(hashlib.sha256(b"arm64kit").hexdigest(), hashlib.md5(b"x").hexdigest())
print(hashlib.sha3_256(b"x").hexdigest()[:32], hashlib.blake2b(b"x").hexdigest()[:32])
data = {"pi": math.pi, "list": [1, 2.5, -0.0, 1e300, None, True], "text": "caf\u00e9 \u2603", "big": 2**70}
text = json.dumps(data, sort_keys=True)
print(text, json.loads(text) == data)
print(repr(0.1 + 0.2), f"{math.pi:.15f}", f"{1e22:g}", f"{2.5:.0f}", f"{-1.5e-7:e}", format(1 / 3, ".17g"))
print(float("nan"), float("-inf"), 5e-324, 1.7976931348623157e308, round(2.675, 2), float.hex(0.1))
print(2**521 - 1)
print(math.factorial(40), pow(3, 10**5, 10**9 + 7), (10**50) // 7, hex(-(2**70)), (-7) // 2, -7 % 3)
print(math.sqrt(2), math.exp(1), math.log(10), math.sin(1e10), math.atan2(1, -1), math.fsum([0.1] * 10))
print(struct.pack("<dqI", 1.5, -2, 7).hex(), struct.unpack(">f", b"\x40\x49\x0f\xdb"))
rng = random.Random(42)
print([rng.randint(0, 1000) for _ in range(5)], rng.random())
print(datetime.datetime.fromtimestamp(10**9, datetime.timezone.utc).isoformat())
print(re.sub(r"(\w+)@(\w+)", r"\2 at \1", "alice@example bob@test"), base64.b64encode(b"\x00\xffriscv").decode())
print(sorted({"b": 2, "a": 1, "c": 3}.items(), key=lambda kv: -kv[1]))
