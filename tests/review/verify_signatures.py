"""An independent check of a gcforms package's signatures (SPEC §5, §5.1),
written without gcforms' code: PyPI `rfc8785` canonicalizes the JSON and
PyPI `cryptography` verifies ECDSA P-256 / SHA-256 with the enclosed X.509
certificate.

- The applicant's `signature` covers the package without `signature` and
  `reviews`.
- Review k (from 0) covers the package as it stood: `reviews` cut to
  reviews 0..k, review k without its own `signature`.

With `--deadlines N` it also recounts each review's `deadline` as the N-th
working day after `received` with PyPI `chinesecalendar` (dates up to 2026).

Usage: python3 verify_signatures.py PACKAGE [--deadlines N]
Prints one line per check; exits 1 when any fails.
"""

import base64
import copy
import datetime
import json
import sys

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def check(signature, data):
    """None when `signature` (alg, certificate, value, fingerprint) verifies
    over `data`, else why not."""
    if signature.get("alg") != "ES256":
        return "alg is not ES256"
    cert = x509.load_der_x509_certificate(base64.b64decode(signature["certificate"]))
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    if fingerprint != signature.get("fingerprint"):
        return "fingerprint is not the certificate's"
    raw = base64.b64decode(signature["value"])
    if len(raw) != 64:
        return "signature is not 64 bytes of r||s"
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        cert.public_key().verify(der, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "ECDSA signature does not verify"
    return None


def working_days_after(start, n):
    import chinese_calendar

    day = start
    while n > 0:
        day += datetime.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        package = json.load(f)
    deadline_days = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--deadlines" else None
    failed = False

    applicant = {k: v for k, v in package.items() if k not in ("signature", "reviews")}
    why = check(package["signature"], rfc8785.dumps(applicant))
    print("applicant:", why or "ok")
    failed |= why is not None

    reviews = package.get("reviews", [])
    for k, review in enumerate(reviews):
        stood = copy.deepcopy(package)
        stood["reviews"] = copy.deepcopy(reviews[: k + 1])
        del stood["reviews"][k]["signature"]
        why = check(review["signature"], rfc8785.dumps(stood))
        print(f"review {k + 1}:", why or "ok")
        failed |= why is not None
        if deadline_days is not None:
            received = datetime.date.fromisoformat(review["received"])
            expected = working_days_after(received, deadline_days).isoformat()
            ok = expected == review["deadline"]
            print(f"review {k + 1} deadline:", "ok" if ok else f"{review['deadline']} != {expected}")
            failed |= not ok

    print("checked", 1 + len(reviews), "signatures")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
