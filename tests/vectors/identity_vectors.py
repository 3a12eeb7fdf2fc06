#!/usr/bin/env python3
"""Computes tests/vectors/identity.json independently of the C++ code.

Pure Python P-256 arithmetic, RFC 9380 hash-to-curve in the plain (branching) form of §6.6.2
rather than the C++ straight-line form of Appendix F.2, HMAC from Python's hmac module or the
openssl CLI, AES-GCM from the `cryptography` package. The script first checks itself against
the RFC 9380 Appendix J.1.1 and K.1 vectors.

    python3 tests/vectors/identity_vectors.py > tests/vectors/identity.json
"""
import base64
import hashlib
import hmac
import json
import subprocess

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# SEC 2 secp256r1
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
     0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
Z = P - 10


def add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return (x3, (lam * (x1 - x3) - y1) % P)


def mul(k, point):
    result = None
    for bit in bin(k % N)[2:]:
        result = add(result, result)
        if bit == "1":
            result = add(result, point)
    return result


def neg(point):
    return (point[0], (-point[1]) % P)


def compress(point):
    x, y = point
    return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")


def is_square(v):
    return pow(v, (P - 1) // 2, P) in (0, 1)


def sqrt(v):
    return pow(v, (P + 1) // 4, P)  # p = 3 mod 4


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:  # RFC 9380 §5.3.1
    ell = (length + 31) // 32
    dst_prime = dst + bytes([len(dst)])
    b0 = hashlib.sha256(bytes(64) + msg + length.to_bytes(2, "big") + b"\0" + dst_prime).digest()
    blocks = [hashlib.sha256(b0 + b"\1" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1]))
        blocks.append(hashlib.sha256(mixed + bytes([i]) + dst_prime).digest())
    return b"".join(blocks)[:length]


def hash_to_field(msg: bytes, dst: bytes):  # RFC 9380 §5.2, count 2, L 48
    uniform = expand_message_xmd(msg, dst, 96)
    return [int.from_bytes(uniform[48 * i:48 * i + 48], "big") % P for i in range(2)]


def map_to_curve(u):  # RFC 9380 §6.6.2, the plain description
    tv1 = pow((Z * Z * pow(u, 4, P) + Z * u * u) % P, P - 2, P)
    x1 = (-B * pow(A, -1, P)) * (1 + tv1) % P
    if tv1 == 0:
        x1 = B * pow(Z * A, -1, P) % P
    gx1 = (pow(x1, 3, P) + A * x1 + B) % P
    x2 = Z * u * u * x1 % P
    gx2 = (pow(x2, 3, P) + A * x2 + B) % P
    x, y = (x1, sqrt(gx1)) if is_square(gx1) else (x2, sqrt(gx2))
    if u % 2 != y % 2:
        y = (-y) % P
    return (x, y)


def hash_to_curve(msg: bytes, dst: bytes):
    u0, u1 = hash_to_field(msg, dst)
    q0, q1 = map_to_curve(u0), map_to_curve(u1)
    return (u0, u1), q0, q1, add(q0, q1)


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:  # RFC 5869 §2.3
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def factor(secret: bytes, domain: str) -> int:
    return int.from_bytes(hkdf_expand(secret, b"eenplan/v1|" + domain.encode(), 48), "big") % N


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().lower().rstrip("=")


def ciphertext(b, c, y) -> str:
    return "pp1:" + base64.b64encode(compress(b) + compress(c) + compress(y)).decode()


def render(point) -> str:
    return "ppd1:" + b32(hashlib.sha256(compress(point)).digest()[:20])


def openssl_hmac(key: bytes, message: str) -> bytes:
    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + key.hex()],
        input=message.encode(), capture_output=True, check=True).stdout.decode()
    return bytes.fromhex(out.strip().split("= ")[-1])


def hexpt(point):
    return {"x": format(point[0], "064x"), "y": format(point[1], "064x")}


def self_check():
    # RFC 9380 Appendix K.1, DST "QUUX-V01-CS02-with-expander-SHA256-128"
    assert expand_message_xmd(b"", b"QUUX-V01-CS02-with-expander-SHA256-128", 32).hex() == \
        "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"
    # RFC 9380 Appendix J.1.1 (P only; u, Q0 and Q1 are checked by the C++ test)
    for msg, px, py in [
        (b"", "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4",
         "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415"),
        (b"abc", "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f",
         "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e"),
        (b"abcdef0123456789", "65038ac8f2b1def042a5df0b33b1f4eca6bff7cb0f9c6c1526811864e544ed80",
         "cad44d40a656e7aff4002a8de287abc8ae0482b5ae825822bb870d6df9b56ca3"),
    ]:
        _, _, _, p = hash_to_curve(msg, b"QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_")
        assert (format(p[0], "064x"), format(p[1], "064x")) == (px, py), msg
    assert mul(N, G) is None


def main():
    self_check()
    vectors = {
        "description": "eenplan identity test vectors; generated by tests/vectors/identity_vectors.py",
    }

    # Keyed pseudonyms: HMAC from the openssl CLI.
    keyed = []
    for key, version, domain, kind, digits in [
        (bytes([0x11] * 32), 1, "hub", "bsn", "111222333"),
        (bytes([0x11] * 32), 1, "org:GM0518", "bsn", "111222333"),
        (bytes([0x22] * 32), 2, "hub", "bsn", "111222333"),
        (bytes(range(32)), 7, "hub", "onderwijsnummer", "101010103"),
    ]:
        mac = openssl_hmac(key, f"eenplan/v1|{domain}|{kind}|{digits}")
        keyed.append({"key": key.hex(), "version": version, "domain": domain, "kind": kind,
                      "digits": digits, "pseudonym": f"kp1:{version}:{b32(mac[:20])}"})
    vectors["keyed_pseudonym"] = keyed

    # expand_message_xmd, RFC 9380 Appendix K.1 (copied from the RFC, checked above for "").
    vectors["expand_message_xmd"] = [
        {"dst": "QUUX-V01-CS02-with-expander-SHA256-128", "msg": "", "length": 32,
         "uniform_bytes": expand_message_xmd(b"", b"QUUX-V01-CS02-with-expander-SHA256-128", 32).hex()},
        {"dst": "QUUX-V01-CS02-with-expander-SHA256-128", "msg": "abc", "length": 32,
         "uniform_bytes": expand_message_xmd(b"abc", b"QUUX-V01-CS02-with-expander-SHA256-128", 32).hex()},
        {"dst": "QUUX-V01-CS02-with-expander-SHA256-128", "msg": "abc", "length": 128,
         "uniform_bytes": expand_message_xmd(b"abc", b"QUUX-V01-CS02-with-expander-SHA256-128", 128).hex()},
    ]

    # hash_to_curve: the RFC's messages under the RFC's tag, then eenplan's tag on identity strings.
    h2c = []
    for dst, msg in [("QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_", ""),
                     ("QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_", "abc"),
                     ("QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_", "abcdef0123456789"),
                     ("eenplan-v1-P256_XMD:SHA-256_SSWU_RO_", "bsn|111222333"),
                     ("eenplan-v1-P256_XMD:SHA-256_SSWU_RO_", "onderwijsnummer|101010103")]:
        (u0, u1), q0, q1, p = hash_to_curve(msg.encode(), dst.encode())
        h2c.append({"dst": dst, "msg": msg, "u0": format(u0, "064x"), "u1": format(u1, "064x"),
                    "Q0": hexpt(q0), "Q1": hexpt(q1), "P": hexpt(p)})
    vectors["hash_to_curve"] = h2c
    # map_to_curve alone, including u = 0, the exceptional case of RFC 9380 §6.6.2 step 3.
    vectors["map_to_curve"] = [{"u": format(u, "064x"), "Q": hexpt(map_to_curve(u))}
                               for u in (0, 1, P - 1)]

    # Polymorphic pseudonyms with fixed keys and randomness.
    y = int.from_bytes(bytes(range(1, 33)), "big")
    reshuffle_secret, rekey_secret = bytes([0x22] * 32), bytes([0x33] * 32)
    r = int.from_bytes(bytes([0x42] * 32), "big")
    z = int.from_bytes(bytes([0x5a] * 32), "big")
    pub = mul(y, G)
    identity = hash_to_curve(b"bsn|111222333", b"eenplan-v1-P256_XMD:SHA-256_SSWU_RO_")[3]
    b, c = mul(r, G), add(identity, mul(r, pub))
    domains = []
    for domain in ["hub", "org:GM0518", "org:GM0603"]:
        s, k = factor(reshuffle_secret, domain), factor(rekey_secret, domain)
        x = k * y % N
        b2, c2, y2 = mul(s * pow(k, -1, N), b), mul(s, c), mul(k, pub)
        decrypted = add(c2, neg(mul(x, b2)))
        assert decrypted == mul(s, identity)
        domains.append({"domain": domain, "reshuffle_factor": format(s, "064x"),
                        "rekey_factor": format(k, "064x"), "recipient_key": format(x, "064x"),
                        "recipient_public_key": compress(mul(x, G)).hex(),
                        "reshuffled_rekeyed": ciphertext(b2, c2, y2),
                        "direct_pseudonym": render(mul(s, identity))})
    vectors["polymorphic"] = {
        "master": {"y": format(y, "064x"), "reshuffle_secret": reshuffle_secret.hex(),
                   "rekey_secret": rekey_secret.hex()},
        "public_key": compress(pub).hex(),
        "kind": "bsn", "digits": "111222333",
        "identity_point": compress(identity).hex(),
        "r": format(r, "064x"),
        "ciphertext": ciphertext(b, c, pub),
        "z": format(z, "064x"),
        "rerandomised": ciphertext(add(b, mul(z, G)), add(c, mul(z, pub)), pub),
        "domains": domains,
    }

    # Field encryption: AES-256-GCM from the `cryptography` package.
    fields = []
    for key, version, nonce, plaintext, aad in [
        (bytes([0x44] * 32), 1, bytes(range(12)), "Jansen", "pupil|4711|family_name"),
        (bytes([0x55] * 32), 3, bytes([0xa5] * 12), "", "pupil|4711|note"),
    ]:
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), aad.encode())
        fields.append({"key": key.hex(), "version": version, "nonce": nonce.hex(),
                       "plaintext": plaintext, "associated_data": aad,
                       "sealed": f"fe1:{version}:" + base64.b64encode(nonce + sealed).decode()})
    vectors["field_encryption"] = fields

    print(json.dumps(vectors, indent=2))


if __name__ == "__main__":
    main()
