#!/usr/bin/env python3
"""An independent verifier of the vectors in this folder, written from docs/FORMAT.md alone.

It decodes events, checks hashes, Merkle proofs, Ed25519 signed notes and checkpoints, origins,
UK clock days, bundles and excerpts with its own code, and checks that it reaches the verdict
each vector states. It uses only the Python standard library, plus the `blake3` package for the
BLAKE3 hashes when it is installed (`pip install blake3`); without it, the checks that need
BLAKE3 are skipped, and it says which.

Run: python3 testdata/verify.py        (exit 0: every vector agrees; 1: a disagreement)
"""

import base64
import datetime
import hashlib
import json
import os
import re
import sys

try:
    import blake3
except ImportError:  # optional: the checks that need BLAKE3 are skipped
    blake3 = None

HERE = os.path.dirname(os.path.abspath(__file__))
CHAIN_CONTEXT = "wsoa-ledger 2026 event chain v1"
MAX_EVENT = 1 << 20
MAX_NOTE = 1 << 20


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def padded(vector, data):
    """Applies a vector's `pad`: its byte appended until the input is `to_length` long."""
    pad = vector.get("pad")
    if pad:
        data = data + bytes.fromhex(pad["byte"]) * (pad["to_length"] - len(data))
    return data


class Refused(Exception):
    """A refusal, with the kind of error FORMAT.md names for it."""

    def __init__(self, kind, why=""):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


# ------------------------------------------------------------------------------------------------
# Hashes (sections 7 and 12)
# ------------------------------------------------------------------------------------------------


def chain_hash(data):
    return blake3.blake3(data, derive_key_context=CHAIN_CONTEXT).digest()


def plain_blake3(data):
    return blake3.blake3(data).digest()


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


# ------------------------------------------------------------------------------------------------
# Events (sections 2 to 6)
# ------------------------------------------------------------------------------------------------

ROLES = ["viewer", "auditor", "officer", "admin"]
STATUS = ["not-started", "in-progress", "complete", "blocked", "withdrawn"]
RAG = ["red", "amber", "green"]
KINDS = ["document", "minutes", "audit", "survey", "training", "case-study", "dashboard",
         "policy", "feedback", "other"]
DIRECTION = ["higher-is-better", "lower-is-better"]
RATING = ["on-track", "at-risk", "off-track"]
LEVEL = ["low", "medium", "high"]
PROGRESS = ["sufficient", "insufficient"]
SUBJECTS = ["weakness", "workstream", "action", "measure", "evidence", "risk"]

ID_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,38}[A-Za-z0-9])?", re.ASCII)
DECIMAL_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?", re.ASCII)


class Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0
        self.not_canonical = False

    def take(self, n):
        if self.at + n > len(self.data):
            raise Refused("Malformed", "cut short")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def byte(self):
        return self.take(1)[0]

    def varint(self, bits):
        marker = self.byte()
        if marker < 251:
            return marker
        widths = {0xFB: (2, 16, 251), 0xFC: (4, 32, 1 << 16), 0xFD: (8, 64, 1 << 32)}
        if marker not in widths or widths[marker][1] > bits:
            raise Refused("Malformed", f"marker {marker:02x} in a u{bits}")
        size, _, smallest = widths[marker]
        value = int.from_bytes(self.take(size), "little")
        if value < smallest:
            self.not_canonical = True
        return value

    def zigzag(self):
        z = self.varint(64)
        return (z >> 1) ^ -(z & 1)

    def string(self):
        raw = self.take(self.varint(64))
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise Refused("Malformed", "not UTF-8") from err

    def option(self, read):
        tag = self.byte()
        if tag == 0:
            return None
        if tag == 1:
            return read()
        raise Refused("Malformed", f"option tag {tag}")

    def list(self, read):
        return [read() for _ in range(self.varint(64))]

    def digest(self):
        return self.take(32).hex()

    def tag(self, names):
        tag = self.varint(32)
        if tag >= len(names):
            raise Refused("Malformed", f"tag {tag}")
        return names[tag]

    def date(self):
        year, month, day = self.varint(16), self.byte(), self.byte()
        try:
            if not 1900 <= year <= 9999:
                raise ValueError
            return datetime.date(year, month, day).isoformat()
        except ValueError as err:
            raise Refused("Malformed", "not a date") from err

    def decimal(self):
        text = self.string()
        digits = sum(c.isdigit() for c in text)
        if (not DECIMAL_RE.fullmatch(text) or digits > 30
                or (text.startswith("-") and set(text) <= set("-0."))):
            raise Refused("Malformed", f"decimal {text!r}")
        return text

    def id(self):
        text = self.string()
        if not ID_RE.fullmatch(text):
            raise Refused("Malformed", f"id {text!r}")
        return text

    def subject(self):
        kind = self.tag(SUBJECTS)
        return {kind: self.id()}


def fields(*spec):
    return lambda r: {name: read(r) for name, read in spec}


S = Reader.string
ID = Reader.id
DATE = Reader.date
DEC = Reader.decimal
HASH = Reader.digest
SUBJ = Reader.subject


def U(bits):
    return lambda r: r.varint(bits)


def O(read):
    return lambda r: r.option(lambda: read(r))


def L(read):
    return lambda r: r.list(lambda: read(r))


def E(names):
    return lambda r: r.tag(names)


# Section 5, in tag order.
BODIES = [
    ("ledger_opened", fields(("area", S), ("partners", L(S)))),
    ("inspection_recorded", fields(("inspectorates", L(S)), ("from", DATE), ("to", DATE),
                                   ("published", DATE))),
    ("weakness_recorded", fields(("id", ID), ("title", S), ("finding", O(S)))),
    ("plan_submitted", fields(("version", U(32)), ("summary", O(S)))),
    ("plan_accepted", fields(("version", U(32)), ("summary", O(S)))),
    ("plan_revised", fields(("version", U(32)), ("summary", S))),
    ("workstream_created", fields(("id", ID), ("title", S), ("sponsor", S),
                                  ("weaknesses", L(ID)))),
    ("workstream_amended", fields(("id", ID), ("title", O(S)), ("sponsor", O(S)),
                                  ("weaknesses", O(L(ID))), ("reason", S))),
    ("action_created", fields(("id", ID), ("workstream", ID), ("title", S), ("owner", S),
                              ("due", DATE), ("success", L(S)))),
    ("action_amended", fields(("id", ID), ("title", O(S)), ("owner", O(S)), ("due", O(DATE)),
                              ("reason", S))),
    ("action_status_changed", fields(("id", ID), ("status", E(STATUS)), ("rag", O(E(RAG))),
                                     ("note", O(S)))),
    ("evidence_attached", fields(("id", ID), ("content_hash", HASH), ("file_name", S),
                                 ("media_type", S), ("size", U(64)), ("title", S),
                                 ("kind", E(KINDS)), ("supports", L(SUBJ)))),
    ("evidence_redacted", fields(("id", ID), ("reason", S))),
    ("measure_defined", fields(("id", ID), ("title", S), ("unit", S), ("baseline", DEC),
                               ("baseline_on", DATE), ("target", DEC), ("target_by", DATE),
                               ("better", E(DIRECTION)), ("weaknesses", L(ID)))),
    ("measure_recorded", fields(("id", ID), ("value", DEC), ("source", O(S)))),
    ("monitoring_visit_recorded", fields(("by", S), ("summary", O(S)), ("strengths", L(S)),
                                         ("concerns", L(S)), ("next_steps", L(S)))),
    ("progress_reviewed", fields(("forum", S), ("assessments", L(fields(
        ("workstream", ID), ("rating", E(RATING)), ("note", O(S))))))),
    ("risk_raised", fields(("id", ID), ("title", S), ("level", E(LEVEL)), ("about", L(SUBJ)),
                           ("mitigation", O(S)))),
    ("risk_updated", fields(("id", ID), ("level", O(E(LEVEL))), ("mitigation", O(S)),
                            ("note", O(S)))),
    ("risk_closed", fields(("id", ID), ("reason", S))),
    ("revisit_scheduled", fields(("from", DATE), ("to", DATE))),
    ("revisit_outcome_recorded", fields(("outcomes", L(fields(
        ("weakness", ID), ("progress", E(PROGRESS))))))),
    ("note_added", fields(("about", SUBJ), ("text", S), ("from", O(S)))),
    ("correction_recorded", fields(("seq", U(64)), ("reason", S))),
    ("checkpoint_recorded", fields(("origin", S), ("size", U(64)), ("root", HASH),
                                   ("signers", L(S)), ("note", S))),
]


def decode_event(data):
    """Decodes strictly (section 6) into the JSON view of section 7, or raises Refused."""
    if len(data) > MAX_EVENT:
        raise Refused("TooLarge")
    r = Reader(data)
    event = {
        "format": r.varint(16),
        "seq": r.varint(64),
        "prev": r.digest(),
        "recorded_at": r.zigzag(),
        "occurred_on": r.date(),
        "actor": {"name": r.string(), "role": r.tag(ROLES)},
    }
    tag = r.varint(32)
    if tag >= len(BODIES):
        raise Refused("Malformed", f"EventBody tag {tag}")
    kind, read = BODIES[tag]
    event["body"] = {kind: read(r)}
    if r.at != len(data):
        raise Refused("TrailingBytes")
    if event["format"] != 1:
        raise Refused("UnknownFormat")
    if r.not_canonical:
        raise Refused("NotCanonical")
    return event


def iso(millis):
    day, rest = divmod(millis, 86_400_000)
    date = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, ms = divmod(rest, 1000)
    return f"{date.isoformat()}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z"


def utc_day(millis):
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=millis // 86_400_000)


def uk_day(millis):
    """The Europe/London calendar day (section 8, "Clock rules")."""
    year = utc_day(millis).year

    def last_sunday(month):
        last = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        return last - datetime.timedelta(days=(last.weekday() + 1) % 7)

    def at_one(day):
        return ((day - datetime.date(1970, 1, 1)).days * 86_400_000) + 3_600_000

    summer = at_one(last_sunday(3)) <= millis < at_one(last_sunday(10))
    return utc_day(millis + (3_600_000 if summer else 0))


# ------------------------------------------------------------------------------------------------
# Merkle trees (sections 12 and 13)
# ------------------------------------------------------------------------------------------------


def merkle_root(leaves):
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, proof, root1, root2):
    """RFC 9162 section 2.1.4.2 (and an empty proof between equal trees)."""
    if size1 == 0 or size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == root1 and sr == root2 and sn == 0


# ------------------------------------------------------------------------------------------------
# Ed25519 (RFC 8032 section 5.1, after its reference code)
# ------------------------------------------------------------------------------------------------

P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    x = (a[1] - a[0]) * (b[1] - b[0]) % P
    y = (a[1] + a[0]) * (b[1] + b[0]) % P
    c = 2 * a[3] * b[3] * D % P
    d = 2 * a[2] * b[2] % P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, point):
    out = (0, 1, 1, 0)
    while s:
        if s & 1:
            out = _add(out, point)
        point = _add(point, point)
        s >>= 1
    return out


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    return P - x if (x & 1) != sign else x


def _decompress(data):
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


def _compress(point):
    zinv = pow(point[2], P - 2, P)
    x, y = point[0] * zinv % P, point[1] * zinv % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
BASE = (_GX, _GY, 1, _GX * _GY % P)


def ed25519_public(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    return _compress(_mul(a, BASE))


def ed25519_verify(public, message, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    a = _decompress(public)
    r = _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % Q
    return _equal(_mul(s, BASE), _add(r, _mul(h, a)))


# ------------------------------------------------------------------------------------------------
# Keys, signed notes, checkpoints, origins (section 14)
# ------------------------------------------------------------------------------------------------


def strict_b64(text):
    """Standard padded base64, canonical: what decodes re-encodes to the same text."""
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def key_name_ok(name):
    return (name != "" and not any(c.isspace() for c in name) and "+" not in name
            and not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name))


def key_id(name, public):
    return int.from_bytes(sha256(name.encode() + b"\n\x01" + public)[:4], "big")


def parse_key(text, secret):
    """A verifier key (or, with `secret`, a signer key): (name, key ID, public key)."""
    kind = "SignerKey" if secret else "VerifierKey"
    if secret:
        if not text.startswith("PRIVATE+KEY+"):
            raise Refused(kind)
        text = text[len("PRIVATE+KEY+"):]
    elif text.startswith("PRIVATE+KEY+"):
        raise Refused(kind)
    parts = text.split("+", 2)
    if len(parts) < 3:
        raise Refused(kind)
    name, id_hex, key64 = parts
    if not key_name_ok(name):
        raise Refused("KeyName")
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise Refused(kind)
    raw = strict_b64(key64)
    if raw is None or len(raw) != 33 or raw[0] != 1:
        raise Refused(kind)
    public = ed25519_public(raw[1:]) if secret else raw[1:]
    if not secret and _decompress(public) is None:
        raise Refused(kind)
    if key_id(name, public) != int(id_hex, 16):
        raise Refused("KeyIdMismatch")
    return name, int(id_hex, 16), public


def parse_note(data):
    if len(data) > MAX_NOTE:
        raise Refused("TooLarge")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Refused("NotUtf8") from err
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise Refused("ControlCharacter")
    split = text.rfind("\n\n")
    if split < 0 or split + 2 == len(text):
        raise Refused("NoSignatureBlock")
    body, block = text[:split + 1], text[split + 2:]
    if not block.endswith("\n"):
        raise Refused("MissingFinalNewline")
    lines = block[:-1].split("\n")
    if len(lines) > 100:
        raise Refused("TooManySignatures")
    signatures = []
    for line in lines:
        if not line.startswith("\u2014 ") or " " not in line[2:]:
            raise Refused("SignatureLine")
        name, encoded = line[2:].split(" ", 1)
        raw = strict_b64(encoded) if encoded else None
        if not key_name_ok(name) or raw is None or len(raw) < 5:
            raise Refused("SignatureLine")
        signatures.append((name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return body, signatures


def verify_note(body, signatures, trusted):
    signed = []
    for name, kid, sig in signatures:
        matching = [t for t in trusted if t[0] == name and t[1] == kid]
        if not matching:
            continue
        if any(t[2] != matching[0][2] for t in matching):
            raise Refused("AmbiguousKey")
        if not ed25519_verify(matching[0][2], body.encode(), sig):
            raise Refused("InvalidSignature")
        if name not in signed:
            signed.append(name)
    if not signed:
        raise Refused("NoTrustedSignature")
    return signed


def parse_checkpoint(text):
    if not text.endswith("\n") or text.count("\n") < 3:
        raise Refused("CheckpointLines")
    origin, size, root, *extensions = text[:-1].split("\n")
    if origin == "":
        raise Refused("Origin")
    if (not re.fullmatch(r"[0-9]+", size, re.ASCII) or (len(size) > 1 and size[0] == "0")
            or int(size) >= 2**64):
        raise Refused("TreeSize")
    raw = strict_b64(root)
    if raw is None or len(raw) != 32:
        raise Refused("RootHash")
    if any(line == "" for line in extensions):
        raise Refused("Extension")
    return {"origin": origin, "size": int(size), "root": raw.hex(), "extensions": extensions}


def slug(area):
    out = ""
    for c in area:
        if c.isascii() and c.isalnum():
            out += c.lower()
        elif out and not out.endswith("-"):
            out += "-"
    return out.rstrip("-") or "ledger"


# ------------------------------------------------------------------------------------------------
# Bundles and excerpts (sections 15 and 16)
# ------------------------------------------------------------------------------------------------


def records(data, magic):
    """(tag, payload) records; the end record's hash checked, nothing after it."""
    if not data.startswith(magic):
        raise Refused("Bundle", "magic")
    at, out = len(magic), []
    while True:
        if at + 9 > len(data):
            raise Refused("Bundle", "truncated")
        tag, length = data[at], int.from_bytes(data[at + 1:at + 9], "big")
        if at + 9 + length > len(data):
            raise Refused("Bundle", "truncated")
        payload = data[at + 9:at + 9 + length]
        if tag == 0:
            if length != 32 or payload != plain_blake3(data[:at]):
                raise Refused("Bundle", "end hash")
            if at + 9 + length != len(data):
                raise Refused("Bundle", "bytes after the end")
            return out
        out.append((tag, payload))
        at += 9 + length


def check_clock(events):
    for before, event in zip([None] + events, events):
        if before and event["recorded_at"] < before["recorded_at"]:
            raise Refused("Clock", "recorded_at went back")
        if event["occurred_on"] > uk_day(event["recorded_at"]).isoformat():
            raise Refused("Clock", "occurred_on after the UK day")


def verify_bundle(data, pins):
    events, leaves, contents, prev = [], [], {}, bytes(32)
    for tag, payload in records(data, b"WSOA-BUNDLE 1\n"):
        if tag == 1:
            if len(payload) > MAX_EVENT:
                raise Refused("Bundle", "event too large")
            event = decode_event(payload)
            if event["seq"] != len(events) or bytes.fromhex(event["prev"]) != prev:
                raise Refused("Chain", "seq or prev")
            prev = chain_hash(payload)
            events.append(event)
            leaves.append(leaf_hash(payload))
        elif tag == 2:
            if len(payload) < 32:
                raise Refused("Bundle", "short content record")
            contents[payload[:32].hex()] = plain_blake3(payload[32:]) == payload[:32]
        elif tag == 3:
            body, _ = parse_note(payload)
            parse_checkpoint(body)
        else:
            raise Refused("Bundle", f"unknown record {tag}")
    check_clock(events)
    redacted = {e["body"]["evidence_redacted"]["id"] for e in events
                if "evidence_redacted" in e["body"]}
    checked = 0
    for event in events:
        attached = event["body"].get("evidence_attached")
        if attached is None:
            continue
        ok = contents.get(attached["content_hash"])
        if ok is False or (ok is None and attached["id"] not in redacted):
            raise Refused("Evidence", attached["id"])
        checked += ok is True
    for size, root in pins:
        if size > len(leaves) or merkle_root(leaves[:size]).hex() != root:
            raise Refused("CheckpointMismatch")
    return {"events": len(events), "head": prev.hex(), "root": merkle_root(leaves).hex(),
            "evidence_checked": checked, "evidence_redacted": len(redacted)}


def verify_excerpt(data, trusted):
    checkpoint, signers, proven, contents = None, [], [], {}
    for tag, payload in records(data, b"WSOA-EXCERPT 1\n"):
        if tag != 2 and len(payload) > 2 << 20:
            raise Refused("Excerpt", "record too large")
        if tag == 3 and checkpoint is None:
            body, signatures = parse_note(payload)
            if trusted:
                signers = verify_note(body, signatures, trusted)
            checkpoint = parse_checkpoint(body)
        elif tag == 2:
            if len(payload) < 32:
                raise Refused("Excerpt", "short content record")
            contents[payload[:32].hex()] = plain_blake3(payload[32:]) == payload[:32]
        elif tag == 4 and checkpoint is not None:
            index, count = int.from_bytes(payload[:8], "big"), payload[8]
            proof = [payload[9 + 32 * i:41 + 32 * i] for i in range(count)]
            event_bytes = payload[9 + 32 * count:]
            event = decode_event(event_bytes)
            if event["seq"] != index or (proven and proven[-1] >= index):
                raise Refused("Excerpt", "index or order")
            if not verify_inclusion(leaf_hash(event_bytes), index, checkpoint["size"], proof,
                                    bytes.fromhex(checkpoint["root"])):
                raise Refused("Excerpt", "inclusion")
            attached = event["body"].get("evidence_attached")
            if attached and contents.get(attached["content_hash"]) is False:
                raise Refused("Excerpt", "content")
            proven.append(index)
        else:
            raise Refused("Excerpt", f"record {tag} out of place")
    if checkpoint is None:
        raise Refused("Excerpt", "no checkpoint")
    return {"origin": checkpoint["origin"], "size": checkpoint["size"],
            "root": checkpoint["root"], "signers": signers, "events": proven,
            "contents": sum(contents.values())}


# ------------------------------------------------------------------------------------------------
# The checks, file by file
# ------------------------------------------------------------------------------------------------

FAILURES = []
SKIPPED = []


def expect(condition, what):
    if not condition:
        FAILURES.append(what)


def refusal(run):
    try:
        run()
    except Refused as err:
        return err.kind
    return None


def check_events():
    file = load("events.json")
    prev = "00" * 32
    for vector in file["events"]:
        data = bytes.fromhex(vector["bytes"])
        event = decode_event(data)
        view = {k: v for k, v in vector["json"].items()
                if k not in ("hash", "leaf_hash", "bytes", "recorded_at_iso")}
        expect(event == view, f"events.json: event {vector['seq']} decodes to its JSON view")
        expect(event["prev"] == prev, f"events.json: event {vector['seq']} links")
        expect(leaf_hash(data).hex() == vector["leaf_hash"], "events.json: leaf hash")
        expect(vector["json"]["recorded_at_iso"] == iso(event["recorded_at"]), "ISO time")
        expect(next(iter(event["body"])) == vector["kind"], "events.json: kind")
        if blake3:
            expect(chain_hash(data).hex() == vector["chain_hash"], "events.json: chain hash")
        prev = vector["chain_hash"]
    events = [decode_event(bytes.fromhex(v["bytes"])) for v in file["events"]]
    expect(refusal(lambda: check_clock(events)) is None, "events.json: clock rules")
    leaves = [bytes.fromhex(v["leaf_hash"]) for v in file["events"]]
    expect(merkle_root(leaves).hex() == file["root"], "events.json: root")
    if blake3:
        for evidence in file["evidence"]:
            content = bytes.fromhex(evidence["content"])
            expect(plain_blake3(content).hex() == evidence["content_hash"], "content hash")
    for vector in file["invalid"]:
        data = padded(vector, bytes.fromhex(vector["bytes"]))
        kind = refusal(lambda: decode_event(data))
        expect(kind == vector["error"],
               f"events.json: {vector['description']}: {kind} for {vector['error']}")
    return f"{len(file['events'])} events, {len(file['invalid'])} refusals"


def check_merkle():
    file = load("merkle.json")
    for tree in file["trees"]:
        leaves = [leaf_hash(bytes.fromhex(leaf)) for leaf in tree["leaves"]]
        expect([h.hex() for h in leaves] == tree["leaf_hashes"], "merkle.json: leaf hashes")
        for root in tree["roots"]:
            expect(merkle_root(leaves[:root["size"]]).hex() == root["root"], "merkle.json: root")

    def inclusion(v):
        return verify_inclusion(bytes.fromhex(v["leaf_hash"]), v["leaf_index"], v["tree_size"],
                                [bytes.fromhex(p) for p in v["proof"]], bytes.fromhex(v["root"]))

    def consistency(v):
        return verify_consistency(v["size1"], v["size2"], [bytes.fromhex(p) for p in v["proof"]],
                                  bytes.fromhex(v["root1"]), bytes.fromhex(v["root2"]))

    count = 0
    for key, check in [("inclusion", inclusion), ("invalid_inclusion", inclusion),
                       ("consistency", consistency), ("invalid_consistency", consistency)]:
        for vector in file[key]:
            expect(check(vector) == vector["valid"], f"merkle.json: {vector['description']}")
            count += 1
    return f"{len(file['trees'])} trees, {count} proofs"


def check_notes():
    file = load("notes.json")
    for key in file["keys"]:
        seed, public = bytes.fromhex(key["seed"]), bytes.fromhex(key["public_key"])
        expect(ed25519_public(seed) == public, f"notes.json: public key of {key['name']}")
        expect(f"{key_id(key['name'], public):08x}" == key["key_id"], "notes.json: key ID")
        expect(parse_key(key["verifier_key"], False) == (key["name"], int(key["key_id"], 16),
                                                         public), "notes.json: verifier key")
        expect(parse_key(key["signer_key"], True)[2] == public, "notes.json: signer key")

    def read(vector):
        data = padded(vector, vector["note"].encode() if "note" in vector
                      else bytes.fromhex(vector["note_hex"]))
        body, signatures = parse_note(data)
        trusted = [parse_key(k, False) for k in vector["trusted"]]
        return verify_note(body, signatures, trusted), parse_checkpoint(body)

    for vector in file["notes"]:
        signers, checkpoint = read(vector)
        expect(signers == vector["signers"], f"notes.json: {vector['description']}: signers")
        expect(checkpoint == vector["checkpoint"], f"notes.json: {vector['description']}")
    for vector in file["invalid_notes"]:
        kind = refusal(lambda: read(vector))
        expect(kind == vector["error"],
               f"notes.json: {vector['description']}: {kind} for {vector['error']}")
    for key, secret in [("invalid_verifier_keys", False), ("invalid_signer_keys", True)]:
        for vector in file[key]:
            kind = refusal(lambda: parse_key(vector["key"], secret))
            expect(kind == vector["error"],
                   f"notes.json: {vector['description']}: {kind} for {vector['error']}")
    return f"{len(file['notes'])} notes, {len(file['invalid_notes'])} refused notes"


def check_origins():
    file = load("origins.json")
    for vector in file["origins"]:
        data = bytes.fromhex(vector["event"])
        event = decode_event(data)
        opened = event["body"].get("ledger_opened")
        area_slug = slug(opened["area"]) if opened else "ledger"
        if blake3:
            expect(chain_hash(data).hex() == vector["chain_hash"], "origins.json: chain hash")
        expected = f"wsoa/{area_slug}/{vector['chain_hash'][:16]}"
        expect(expected == vector["origin"], f"origins.json: {expected} for {vector['origin']}")
    return f"{len(file['origins'])} origins"


def check_clocks():
    file = load("clocks.json")
    for vector in file["clocks"]:
        millis = vector["recorded_at"]
        expect(iso(millis) == vector["recorded_at_iso"], f"clocks.json: {vector['description']}")
        expect(utc_day(millis).isoformat() == vector["utc_date"], "clocks.json: UTC day")
        expect(uk_day(millis).isoformat() == vector["uk_date"],
               f"clocks.json: UK day of {vector['description']}")
    for vector in file["occurred_on_rule"]:
        allowed = vector["occurred_on"] <= uk_day(vector["recorded_at"]).isoformat()
        expect(allowed == vector["allowed"], f"clocks.json: {vector['description']}")
    return f"{len(file['clocks'])} times"


def check_bundles():
    if not blake3:
        SKIPPED.append("bundle.json (BLAKE3 chain, content and end hashes)")
        return "skipped"
    file = load("bundle.json")
    for vector in file["bundles"]:
        pins = [(pin["size"], pin["root"]) for pin in vector["pins"]]
        try:
            report = verify_bundle(bytes.fromhex(vector["bundle"]), pins)
        except Refused as err:
            expect(not vector["valid"], f"bundle.json: {vector['description']}: {err}")
            continue
        expect(vector["valid"], f"bundle.json: {vector['description']}: not refused")
        expect(report == vector.get("report"), f"bundle.json: {vector['description']}: report")
    return f"{len(file['bundles'])} bundles"


def check_excerpts():
    if not blake3:
        SKIPPED.append("excerpt.json (BLAKE3 content and end hashes)")
        return "skipped"
    file = load("excerpt.json")
    for vector in file["excerpts"]:
        trusted = [parse_key(k, False) for k in vector["trusted"]]
        try:
            report = verify_excerpt(bytes.fromhex(vector["excerpt"]), trusted)
        except Refused as err:
            expect(not vector["valid"], f"excerpt.json: {vector['description']}: {err}")
            continue
        expect(vector["valid"], f"excerpt.json: {vector['description']}: not refused")
        expect(report == vector.get("report"), f"excerpt.json: {vector['description']}: report")
    return f"{len(file['excerpts'])} excerpts"


def main():
    if not blake3:
        SKIPPED.append("chain hashes and evidence content hashes in events.json and origins.json")
    for name, check in [("events.json", check_events), ("merkle.json", check_merkle),
                        ("notes.json", check_notes), ("origins.json", check_origins),
                        ("clocks.json", check_clocks), ("bundle.json", check_bundles),
                        ("excerpt.json", check_excerpts)]:
        print(f"{name}: {check()}")
    for what in SKIPPED:
        print(f"skipped, because the blake3 package is not installed: {what}")
    for what in FAILURES:
        print(f"DISAGREES: {what}")
    if FAILURES:
        print(f"{len(FAILURES)} vectors disagree with this verifier")
        return 1
    print("every vector agrees with this independent verifier")
    return 0


if __name__ == "__main__":
    sys.exit(main())
