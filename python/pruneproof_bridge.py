"""pruneproof's bridge to a pruner written in Python (standard library and NumPy only).

pruneproof starts `python3 pruneproof_bridge.py PRUNER.py` once per run and talks to it over stdin/stdout in
frames: a 4-byte little-endian length, a UTF-8 JSON header, then the raw bytes of the arrays the header names
(each {"name", "dtype", "shape"}, little-endian, C order), in the header's order.

The pruner module defines

    prune(features, y, n, seed, weights) -> (selection, loss_per_step)
    name = "..."                 # optional; default: the file's name
    prefix_consistent = True     # optional; see the Pruner interface

with `features` float64 (N, m, C) (row r is neuron r's feature Phi_r), `y` float64 (m, C), `weights` a dict of
float64 arrays: "W" (N, d) and "a" (ntk) or "b" (mean-field) (N, C). The arrays are read-only: prune must not
change its input. `selection` is n ints in [0, N) (repeats allowed), `loss_per_step` n floats; any sequence type.

The protocol owns the process's real stdin and stdout: the pruner's prints (and anything written to file
descriptor 1) go to stderr, and its stdin reads nothing.
"""

import importlib.util
import inspect
import json
import os
import struct
import sys
import traceback

PROTOCOL_VERSION = 1
MODULE_NAME = "__pruneproof_pruner__"
LENGTH = struct.Struct("<I")
SHIM_FILE = os.path.abspath(__file__)
TRACEBACK_FRAMES = 3
MAX_MESSAGE_CHARS = 2000


class PrunerResultError(Exception):
    """prune returned something that is not (selection, loss_per_step)."""


def claim_protocol_streams():
    """Keeps the real stdin/stdout for the protocol; fd 0 reads /dev/null and fd 1 writes to stderr from now on."""
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr
    return proto_in, proto_out


def read_exactly(stream, count):
    """`count` bytes read straight into one buffer, or None at the end of input."""
    buffer = bytearray(count)
    view = memoryview(buffer)
    got = 0
    while got < count:
        read = stream.readinto(view[got:])
        if not read:
            return None
        got += read
    return buffer


def send(out, header, arrays=()):
    """One frame: the header (with the arrays' dtype and shape filled in), then each array's bytes."""
    header = dict(header)
    header["arrays"] = [{"name": name, "dtype": a.dtype.str, "shape": list(a.shape)} for name, a in arrays]
    text = json.dumps(header, allow_nan=False).encode("utf-8")
    out.write(LENGTH.pack(len(text)))
    out.write(text)
    for _, a in arrays:
        out.write(a.tobytes(order="C"))
    out.flush()


def receive(stream, np):
    """The next frame as (header, {name: read-only array}), or None at the end of input."""
    raw = read_exactly(stream, LENGTH.size)
    if raw is None:
        return None
    header = json.loads(read_exactly(stream, LENGTH.unpack(raw)[0]).decode("utf-8"))
    arrays = {}
    for spec in header.get("arrays", []):
        dtype = np.dtype(spec["dtype"])
        count = 1
        for size in spec["shape"]:
            count *= size
        data = read_exactly(stream, count * dtype.itemsize)
        arrays[spec["name"]] = np.frombuffer(data, dtype=dtype).reshape(spec["shape"])
    return header, arrays


def is_machinery(filename):
    """Frames of this shim and of the import system: not the user's code."""
    return filename.startswith("<frozen ") or os.path.abspath(filename) == SHIM_FILE


def user_traceback(error):
    """The exception's traceback from the first frame of the user's code on."""
    tb = error.__traceback__
    while tb is not None and is_machinery(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb


def print_user_traceback(error):
    traceback.print_exception(type(error), error, user_traceback(error))
    sys.stderr.flush()


def user_frames(tb):
    """The last frames of a traceback outside the machinery, as 'file:line in function: code'."""
    frames = [f for f in traceback.extract_tb(tb) if not is_machinery(f.filename)]
    return [
        "%s:%d in %s: %s" % (os.path.basename(f.filename), f.lineno, f.name, (f.line or "").strip())
        for f in frames[-TRACEBACK_FRAMES:]
    ]


def describe_exception(error):
    message = str(error)[:MAX_MESSAGE_CHARS]
    return {
        "type": type(error).__name__,
        "message": message,
        "last_line": "%s: %s" % (type(error).__name__, message) if message else type(error).__name__,
        "traceback": user_frames(user_traceback(error)),
    }


def load_module(path):
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


def interface_problem(module):
    """Why the module does not define the pruner interface, or None."""
    prune = getattr(module, "prune", None)
    if prune is None:
        return "it defines no function prune(features, y, n, seed, weights)"
    if not callable(prune):
        return "its 'prune' is a %s, not a function" % type(prune).__name__
    try:
        inspect.signature(prune).bind(None, None, None, None, None)
    except TypeError as e:
        return "prune%s cannot be called as prune(features, y, n, seed, weights): %s" % (
            inspect.signature(prune),
            e,
        )
    except ValueError:
        pass  # no signature to inspect (e.g. a builtin): the first call will tell
    name = getattr(module, "name", None)
    if name is not None and not (isinstance(name, str) and name):
        return "its 'name' must be a non-empty string, got %r" % (name,)
    prefix = getattr(module, "prefix_consistent", None)
    if prefix is not None and not isinstance(prefix, bool):
        return "its 'prefix_consistent' must be True or False, got %r" % (prefix,)
    return None


def as_vector(np, value, what):
    if not hasattr(value, "__len__") and hasattr(value, "__iter__"):
        value = list(value)  # a generator or other one-shot iterable
    try:
        vector = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise PrunerResultError("%s is not a sequence of numbers (%s): %s" % (what, type(value).__name__, e))
    if vector.ndim != 1:
        raise PrunerResultError("%s must be one-dimensional, got shape %s" % (what, vector.shape))
    return vector


def prune_input(np, header, arrays):
    """The documented arguments, built from the factors: Phi_r = A[:, r] (x) Vs[r, :], exact in float64."""
    activations = arrays["activations"].astype(np.float64)
    out_weights = arrays["out_weights"].astype(np.float64)
    features = activations.T[:, :, None] * out_weights[:, None, :]
    y = arrays["targets"].astype(np.float64)
    output_key = "a" if header["parameterisation"] == "ntk" else "b"
    weights = {"W": arrays["W"].astype(np.float64), output_key: arrays["v"].astype(np.float64)}
    for a in [features, y] + list(weights.values()):
        a.flags.writeable = False
    return features, y, int(header["n"]), int(header["seed"]), weights


def serve(np, module, header, arrays):
    features, y, n, seed, weights = prune_input(np, header, arrays)
    result = module.prune(features, y, n, seed, weights)
    try:
        selection, losses = result
    except (TypeError, ValueError):
        raise PrunerResultError(
            "prune must return a pair (selection, loss_per_step), got %s" % type(result).__name__
        )
    return as_vector(np, selection, "selection"), as_vector(np, losses, "loss_per_step")


def main():
    proto_in, proto_out = claim_protocol_streams()
    sys.dont_write_bytecode = True  # leave no __pycache__ beside the user's module
    if len(sys.argv) != 2:
        send(proto_out, {"kind": "load-error", "message": "usage: pruneproof_bridge.py PRUNER.py", "traceback": []})
        return 2
    if sys.version_info < (3, 7):
        send(proto_out, {"kind": "missing", "what": "Python >= 3.7", "found": sys.version.split()[0]})
        return 2
    try:
        import numpy as np
    except ImportError as e:
        send(proto_out, {"kind": "missing", "what": "NumPy", "found": str(e)})
        return 2
    try:
        module = load_module(sys.argv[1])
    except BaseException as e:  # the module's own top-level code: any failure is a load error
        print_user_traceback(e)
        send(proto_out, dict(kind="load-error", **describe_exception(e)))
        return 2
    problem = interface_problem(module)
    if problem:
        send(proto_out, {"kind": "load-error", "message": problem, "traceback": []})
        return 2
    default_name = os.path.splitext(os.path.basename(sys.argv[1]))[0]
    send(
        proto_out,
        {
            "kind": "ready",
            "protocol": PROTOCOL_VERSION,
            "name": getattr(module, "name", None) or default_name,
            "prefix_consistent": getattr(module, "prefix_consistent", None),
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "executable": sys.executable,
        },
    )
    while True:
        frame = receive(proto_in, np)
        if frame is None:
            return 0
        header, arrays = frame
        try:
            selection, losses = serve(np, module, header, arrays)
        except BaseException as e:  # SystemExit and KeyboardInterrupt in prune are the pruner's failures too
            print_user_traceback(e)
            send(proto_out, dict(kind="error", id=header["id"], **describe_exception(e)))
            continue
        send(proto_out, {"kind": "result", "id": header["id"]}, [("selection", selection), ("loss_per_step", losses)])


if __name__ == "__main__":
    sys.exit(main())
