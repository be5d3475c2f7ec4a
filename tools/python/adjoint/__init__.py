"""Call models compiled by adjoint-compile from Python, with NumPy arrays.

    import adjoint
    m = adjoint.load("libmlp.so")                 # the prefix is found in the ELF
    loss = m.loss(W1, b1, W2, b2, x, labels)      # a 0-d float32 array
    r = m.loss_value_and_grad(W1, b1, W2, b2, x, labels)
    r.loss, r.grad_W1                             # a namedtuple of outputs

    m = adjoint.compile("model.mlir", value_and_grad=["loss:wrt=W1,b1"])
    m = adjoint.compile("model.onnx", loss="mse", value_and_grad="loss")
    params = m.initial_values()                   # an ONNX model's weights

A function checks its inputs against the library's own description
(`<prefix>_adjoint_interface()`, docs/c-abi.md) and raises TypeError for a
wrong dtype and ValueError for a wrong shape or count, naming the function,
the argument, what it expected and what it got. `out=` reuses output
buffers; each thread gets its own cached, 64-byte-aligned workspace, so a
Library may be called from several threads at once. Pure Python: ctypes and
NumPy, nothing to build. See docs/python.md.
"""

import collections
import ctypes
import json
import operator
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import weakref

import numpy as np

from ._elf import ElfError, dynamic_symbols

__all__ = ["load", "compile", "Library", "Function", "Argument",
           "CompileError", "CallError", "find_compiler", "DTYPES"]

#: The interface's element types (docs/c-abi.md) as NumPy dtypes.
DTYPES = {"f32": np.dtype(np.float32), "f64": np.dtype(np.float64),
          "i32": np.dtype(np.int32), "i64": np.dtype(np.int64),
          "bool": np.dtype(np.bool_)}

#: The version of the interface JSON this module reads.
ABI_VERSION = 1

ALIGNMENT = 64

_new_tuple = tuple.__new__


class CompileError(RuntimeError):
    """adjoint-compile failed; the message holds its diagnostics."""


class CallError(RuntimeError):
    """A compiled function returned a non-zero status; `message` is what the
    library says it means (with --check-numerics, the op that produced the
    first NaN or Inf, and where)."""

    def __init__(self, function, status, message=None):
        text = f"{function}: returned status {status}"
        super().__init__(f"{text}: {message}" if message else text)
        self.function = function
        self.status = status
        self.message = message


Argument = collections.namedtuple("Argument", "name dtype shape")
Argument.__doc__ = "An input or output: its name, NumPy dtype and shape."


def _describe(a):
    if not isinstance(a, np.ndarray):
        return type(a).__name__
    text = f"{a.dtype} array of shape {a.shape}"
    return text if a.flags.c_contiguous else text + " (not C-contiguous)"


def _int32(n, what):
    """`n` as an int32 for the C ABI; ctypes would wrap it silently."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{what}: expected an int, got {type(n).__name__}")
    if not -2**31 <= n < 2**31:
        raise ValueError(f"{what}: {n} is out of the int32 range")
    return int(n)


def _field_names(names):
    """Output names as namedtuple fields (invalid or repeated ones are
    renamed `_<index>` by namedtuple's rename=True)."""
    return [re.sub(r"\W", "_", name) for name in names]


def _key(argument):
    """(type, dtype, shape, strides) of a C-contiguous ndarray as
    `argument` declares it."""
    strides, size = [], argument.dtype.itemsize
    for n in reversed(argument.shape):
        strides.append(size)
        size *= n
    return (np.ndarray, argument.dtype, argument.shape,
            tuple(reversed(strides)))


# `a.ctypes.data` and `a.__array_interface__` cost about 0.5-1 us each (they
# build a Python object or a dict), several times a small model's whole
# call. The data pointer is the first field after the object header of
# NumPy's array struct (PyArrayObject_fields, public C ABI), and CPython's
# id() is the object's address, a multiple of 8 (the header holds
# pointers). `_words` views the process's memory from the end of an object
# header at address 0 on as 8-byte words: `_words[id(a) >> 3]` is `a`'s data
# pointer, about 0.04 us (ctypes' `c_size_t.from_address(...).value`, 0.07,
# makes an object per read). It is used only if it agrees with
# `ctypes.data` on a few arrays here; otherwise _words is None and every
# call takes the checked path (Function._checked).
_DATA_OFFSET = object.__basicsize__


def _word_view():
    try:
        memory = (ctypes.c_uint64 * (sys.maxsize // 8)).from_address(
            _DATA_OFFSET)
        words = memoryview(memory).cast("B").cast("Q")
        probes = [np.empty((3, 5), np.float32), np.arange(10.0)[3:],
                  np.zeros((2, 3), np.int64).T, np.empty(0, np.bool_)]
        if all(words[id(a) >> 3] == a.ctypes.data for a in probes):
            return words
    except Exception:  # noqa: BLE001 -- any failure means: do not use it
        pass
    return None


_words = _word_view()
_FAST = _words is not None

# Function._fast reuses outputs that only its pool references, by their
# reference counts: exact under the GIL; a free-threaded build's
# (sys._is_gil_enabled() False) may lag behind another thread's, so it
# allocates every time there. _UNREFERENCED is the count of an array that
# only a list holds, read as _fast reads it (measured, not assumed: a
# count one lower would make a held array look free).
_POOL = _FAST and getattr(sys, "_is_gil_enabled", lambda: True)()
_refcount, _weakrefs = sys.getrefcount, weakref.getweakrefcount
_UNREFERENCED = list(map(_refcount, [np.empty(1)]))[0]

# The largest total size in bytes of a function's outputs that it keeps
# two sets of per thread: larger outputs take long enough to compute that
# allocating them is noise, and would hold more memory.
_POOL_BYTES = 1 << 16


def _overlap(starts, sizes, is_out):
    """Whether an out= buffer overlaps another argument, given each
    argument's data pointer, size in bytes and whether it is an out= buffer
    (inputs may overlap each other): np.may_share_memory of every pair with
    an out= buffer, for C-contiguous arrays, whose bounds are [start, end)."""
    ends = list(map(operator.add, starts, sizes))
    # The common case, no two arguments overlap: then each start is at or
    # after the previous end with the starts and the ends sorted apart (and
    # conversely: no byte is then inside two of the ranges).
    if all(map(operator.ge, sorted(starts)[1:], sorted(ends))):
        return False
    # Else sweep the ranges by their start: one overlaps an earlier one iff
    # it starts before the largest end so far (of any range for an out=
    # buffer, of the out= buffers for an input). Empty ones overlap nothing.
    end_any = end_out = 0
    for start, end, out in sorted(zip(starts, ends, is_out)):
        if start == end:
            continue
        if start < (end_any if out else end_out):
            return True
        end_any = max(end_any, end)
        if out:
            end_out = max(end_out, end)
    return False


class Function:
    """One exported function of a Library.

    `f(*inputs, out=None, **named_inputs)`: inputs in the model's order (or
    by name), NumPy arrays of exactly the declared dtypes and shapes. Lists
    and Python scalars are converted to the declared dtype; a NumPy array of
    another dtype is a TypeError (no silent float64 -> float32), and a
    non-contiguous one is copied. Returns the single output, or a
    namedtuple `f.Outputs` of all outputs, which no later call writes while
    anything references them. `out` (an array, or a sequence with one
    array or None per output) receives the results instead.
    """

    def __init__(self, library, desc):
        self.library = library
        self.symbol = desc["symbol"]
        self.name = self.symbol[len(library.prefix) + 1:]
        try:
            self.inputs = [Argument(a["name"], DTYPES[a["dtype"]],
                                    tuple(a["shape"])) for a in desc["inputs"]]
            self.outputs = [Argument(a["name"], DTYPES[a["dtype"]],
                                     tuple(a["shape"]))
                            for a in desc["outputs"]]
        except KeyError as e:
            raise ValueError(f"{self.symbol}: unknown dtype {e} in the "
                             f"library's interface") from None
        self.workspace_size = int(desc["workspace_size"])
        self.Outputs = collections.namedtuple(
            f"{self.name}_outputs" if self.name.isidentifier() else "Outputs",
            _field_names([a.name for a in self.outputs]), rename=True)
        self._input_index = {a.name: i for i, a in enumerate(self.inputs)}
        self._single = len(self.outputs) == 1
        self._n_inputs = len(self.inputs)
        self._fn = getattr(library.dll, self.symbol)
        self._fn.restype = ctypes.c_int32
        self._fn.argtypes = [ctypes.c_void_p] * (
            len(self.inputs) + len(self.outputs) + 1)
        self._local = threading.local()
        # What _fast compares each argument with: (type, dtype, shape,
        # strides) of a C-contiguous ndarray as declared.
        self._input_keys = [_key(a) for a in self.inputs]
        # An out= buffer's key also says it is writeable.
        self._output_keys = [_key(a) + (True,) for a in self.outputs]
        # np.empty's arguments for each output, mapped over at once: a
        # loop costs 0.04 us more per output.
        self._out_shapes = [a.shape for a in self.outputs]
        self._out_dtypes = [a.dtype for a in self.outputs]
        self._sizes = [a.dtype.itemsize * int(np.prod(a.shape, dtype=np.int64))
                       for a in self.inputs + self.outputs]
        self._is_out = [False] * len(self.inputs) + [True] * len(self.outputs)
        # The pointers of the last call with out= whose arguments overlapped
        # nowhere: whether they overlap depends on the pointers alone (the
        # sizes are fixed), and a training loop passes the same arrays at
        # every step, so a list comparison replaces _overlap's two sorts
        # (1 us for mlp-small's 15 arguments). Threads may replace it at
        # any time: it only has to be a list that _overlap passed.
        self._disjoint = None
        # Two sets of outputs per thread for _fast, if small enough.
        self._pool_sets = 2 if _POOL and sum(
            self._sizes[len(self.inputs):]) <= _POOL_BYTES else 0
        self._unreferenced = [_UNREFERENCED] * len(self.outputs)

    def __repr__(self):
        def sig(args):
            return ", ".join(f"{a.name}: {a.dtype}{list(a.shape)}"
                             for a in args)
        return (f"<adjoint function {self.name}({sig(self.inputs)}) -> "
                f"({sig(self.outputs)})>")

    def workspace(self):
        """This thread's workspace: a 64-byte-aligned uint8 array of
        `workspace_size` bytes, allocated on the thread's first call."""
        ws = getattr(self._local, "workspace", None)
        if ws is None:
            raw = np.empty(self.workspace_size + ALIGNMENT, np.uint8)
            start = -raw.ctypes.data % ALIGNMENT
            ws = raw[start:start + self.workspace_size]
            self._local.workspace = ws
            self._local.address = ws.ctypes.data
        return ws

    def _workspace_address(self):
        address = getattr(self._local, "address", None)
        if address is None:
            self.workspace()
            address = self._local.address
        return address

    def _error(self, kind, arg, expected, got):
        return kind(f"{self.name}: {arg}: expected {expected}, got {got}")

    def _input(self, value, spec):
        # The common case first: describing the expectation costs more than
        # a small model's call.
        masked = isinstance(value, np.ma.MaskedArray)
        if (isinstance(value, np.ndarray) and value.dtype == spec.dtype
                and value.shape == spec.shape and value.flags.c_contiguous
                and not masked):
            return value
        article = "an" if str(spec.dtype)[0] in "aeiou" else "a"
        expected = f"{article} {spec.dtype} array of shape {spec.shape}"
        if masked:
            # The library would read the masked elements' data.
            raise self._error(TypeError, f"input '{spec.name}'", expected,
                              "a masked array (pass a.filled(value))")
        if isinstance(value, np.ndarray):
            if value.dtype != spec.dtype:
                raise self._error(TypeError, f"input '{spec.name}'", expected,
                                  _describe(value))
        elif value is None:
            # np.asarray(None, float32) is nan, of shape ().
            raise self._error(TypeError, f"input '{spec.name}'", expected,
                              "None")
        else:
            try:
                exact = np.asarray(value)
                # Floats for an integer input would be truncated silently.
                if spec.dtype.kind in "iu" and exact.dtype.kind in "fc":
                    raise TypeError(f"{exact.dtype} values, not integers")
                value = np.asarray(value, dtype=spec.dtype)
            except (TypeError, ValueError, OverflowError) as e:
                raise self._error(TypeError, f"input '{spec.name}'", expected,
                                  f"{_describe(value)} ({e})") from None
        if value.shape != spec.shape:
            raise self._error(ValueError, f"input '{spec.name}'", expected,
                              _describe(value))
        if not value.flags.c_contiguous:
            value = np.ascontiguousarray(value)
        return value

    def _output(self, value, spec, inputs):
        expected = (f"a writeable C-contiguous {spec.dtype} array of shape "
                    f"{spec.shape}")
        where = f"out '{spec.name}'"
        if not isinstance(value, np.ndarray):
            raise self._error(TypeError, where, expected, _describe(value))
        if value.dtype != spec.dtype:
            raise self._error(TypeError, where, expected, _describe(value))
        if value.shape != spec.shape or not value.flags.c_contiguous:
            raise self._error(ValueError, where, expected, _describe(value))
        if not value.flags.writeable:
            raise self._error(ValueError, where, expected, "a read-only array")
        for other, name in inputs:
            if np.may_share_memory(value, other):
                raise self._error(ValueError, where,
                                  "a buffer that overlaps no other argument",
                                  f"one that overlaps '{name}'")
        return value

    def __call__(self, /, *args, out=None, **kwargs):
        if kwargs or len(args) != self._n_inputs:
            args = self._positional(args, kwargs)
        ready = self._fast(args, out) if _FAST else None
        if ready is None:
            ready = self._checked(args, out)
        # `inputs` holds the converted inputs' arrays until the call returns.
        inputs, outs, pointers = ready
        try:
            workspace = self._local.address
        except AttributeError:  # this thread's first call
            workspace = self._workspace_address()
        status = self._fn(*pointers, workspace)
        if status != 0:
            raise CallError(self.name, status,
                            self.library.status_message(status))
        if self._single:
            return outs[0]
        # Outputs._make, without its length check (0.04 us).
        return _new_tuple(self.Outputs, outs)

    def _positional(self, args, kwargs):
        """The inputs in the model's order, from positional and named
        ones."""
        n = len(self.inputs)
        # All by name, the names told apart: a look-up each (0.2 us for
        # mlp-small, against 1 us for the loop below). A missing name is a
        # KeyError, and then the loop says what is wrong.
        if not args and len(kwargs) == n and len(self._input_index) == n:
            try:
                return list(map(kwargs.__getitem__, self._input_index))
            except KeyError:
                pass
        if len(args) > n:
            raise TypeError(f"{self.name}: takes {n} inputs, got {len(args)}")
        values = list(args) + [None] * (n - len(args))
        given = [True] * len(args) + [False] * (n - len(args))
        for key, value in kwargs.items():
            i = self._input_index.get(key)
            if i is None:
                raise TypeError(f"{self.name}: no input named '{key}'; inputs "
                                f"are {', '.join(self._input_index)}")
            if given[i]:
                raise TypeError(f"{self.name}: input '{key}' given twice")
            values[i], given[i] = value, True
        if not all(given):
            missing = [a.name for a, g in zip(self.inputs, given) if not g]
            # out= is always the output buffers, never an input so named.
            hint = (" (out= gives output buffers: pass input 'out' by "
                    "position)" if "out" in missing else "")
            raise TypeError(f"{self.name}: takes {n} inputs, missing "
                            + ", ".join(f"'{m}'" for m in missing) + hint)
        return values

    def _fast(self, inputs, out):
        """(inputs, outputs, data pointers) for a call whose arguments are
        all exactly as declared: ndarrays (not subclasses) of the declared
        dtype, shape and C strides, out= buffers writeable and
        overlapping no other argument. None otherwise: then _checked
        converts the arguments or raises the error, as if this path did
        not exist. About 0.15 us per input, against 1-2 us for
        _checked's (docs/python.md)."""
        # One comparison of lists: a loop of `and`s over the inputs costs
        # 10% more of a small model's call. Strides equal to the C strides
        # mean C-contiguous; a C-contiguous array with other strides (a
        # dimension of size 1) takes _checked. Anything that is not an
        # array fails on an attribute (or its comparison with np.ndarray):
        # _checked says what is wrong with it.
        try:
            if ([(type(v), v.dtype, v.shape, v.strides) for v in inputs]
                    != self._input_keys):
                return None
            if out is not None:
                if type(out) is np.ndarray and len(self.outputs) == 1:
                    outs = [out]
                elif (isinstance(out, (tuple, list))
                      and len(out) == len(self.outputs)):
                    outs = list(out)
                else:
                    return None
                # As for the inputs, one comparison of lists; the loop only
                # if some output is None (or the call goes to _checked).
                keys = [None if o is None else (type(o), o.dtype, o.shape,
                                                o.strides, o.flags.writeable)
                        for o in outs]
                if keys != self._output_keys:
                    for i, (k, key) in enumerate(zip(keys, self._output_keys)):
                        if k is None:
                            outs[i] = np.empty(self._out_shapes[i],
                                               self._out_dtypes[i])
                        elif k != key:
                            return None
        except Exception:  # noqa: BLE001 -- not an array
            return None
        words = _words
        pointers = [words[id(a) >> 3] for a in inputs]
        if out is None:
            # Outputs: a set in this thread's pool that nothing but the pool
            # references any more, strongly or weakly (so no one can see it
            # change), else new ones (_new_outputs). Reusing a set saves
            # allocating the outputs and reading their pointers: 0.9 of
            # mlp-small's 3.8 us per loss_and_gradients call. Two sets let
            # `r = f(...)` in a loop reuse the set of the call before last.
            try:
                pool = self._local.pool
            except AttributeError:  # this thread's first call
                pool = self._local.pool = []
            for outs, out_pointers in pool:
                if (list(map(_refcount, outs)) == self._unreferenced
                        and not any(map(_weakrefs, outs))):
                    break
            else:
                outs, out_pointers = self._new_outputs(pool)
            return inputs, outs, pointers + out_pointers
        pointers += [words[id(a) >> 3] for a in outs]
        if pointers != self._disjoint:
            if _overlap(pointers, self._sizes, self._is_out):
                return None
            self._disjoint = pointers
        return inputs, outs, pointers

    def _new_outputs(self, pool):
        """New outputs and their data pointers, kept in `pool` (this
        thread's, for _fast) while it has room."""
        outs = list(map(np.empty, self._out_shapes, self._out_dtypes))
        words = _words
        fresh = (outs, [words[id(a) >> 3] for a in outs])
        if len(pool) < self._pool_sets:
            pool.append(fresh)
        return fresh

    def _checked(self, values, out):
        """(inputs, outputs, data pointers) for any call: converts the inputs that
        need it (lists, scalars, non-contiguous arrays) and raises
        TypeError or ValueError for a wrong argument."""
        inputs = [self._input(v, s) for v, s in zip(values, self.inputs)]

        single = len(self.outputs) == 1
        if out is None:
            outs = [None] * len(self.outputs)
        elif single and isinstance(out, np.ndarray):
            outs = [out]
        elif isinstance(out, (tuple, list)):
            if len(out) != len(self.outputs):
                raise ValueError(
                    f"{self.name}: out: expected {len(self.outputs)} "
                    f"array{'' if single else 's'}, got {len(out)}")
            outs = list(out)
        else:
            raise TypeError(f"{self.name}: out: expected "
                            + ("an array or " if single else "")
                            + f"a sequence of {len(self.outputs)} array"
                            + ("" if single else "s") + ", got "
                            + _describe(out))
        named = [(a, s.name) for a, s in zip(inputs, self.inputs)]
        for i, (o, spec) in enumerate(zip(outs, self.outputs)):
            if o is None:
                outs[i] = np.empty(spec.shape, spec.dtype)
            else:
                outs[i] = self._output(o, spec, named)
                named.append((outs[i], spec.name))
        return inputs, outs, [a.ctypes.data for a in inputs + outs]


# What each path was when it was first loaded: (device, inode, mtime, size).
_loaded = {}


def _dlopen(path):
    """ctypes.CDLL(path), but a library rebuilt at a path this process
    loaded before is loaded anew: dlopen matches an already-loaded library
    by its name and would return the old one (a notebook recompiling
    libmodel.so). The rebuilt file is loaded from a private copy, whose new
    name and inode match nothing loaded; the copy is deleted once mapped."""
    st = os.stat(path)
    identity = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    if _loaded.setdefault(path, identity) == identity:
        return ctypes.CDLL(path)
    fd, copy = tempfile.mkstemp(prefix=os.path.basename(path) + ".",
                                suffix=".so")
    try:
        os.close(fd)
        shutil.copyfile(path, copy)
        return ctypes.CDLL(copy)
    finally:
        os.unlink(copy)


class Library:
    """A shared library made by adjoint-compile, loaded with ctypes.

    `functions` maps each exported function's name (without the prefix) to
    its Function; they are attributes too (`lib.loss(...)`).
    """

    def __init__(self, path, prefix=None):
        self.path = os.path.abspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{path}: no such file")
        # Read first, prefix or not: dlopen of a truncated ELF file kills
        # the process with SIGBUS instead of failing.
        try:
            symbols = dynamic_symbols(self.path)
        except ElfError as e:
            raise ValueError(f"{e}; is it a library made by adjoint-compile?"
                             ) from None
        if prefix is None:
            prefix = find_prefix(self.path, symbols)
        self.prefix = prefix
        self.dll = _dlopen(self.path)
        try:
            describe = getattr(self.dll, prefix + "_adjoint_interface")
        except AttributeError:
            raise ValueError(f"{path}: no function {prefix}_adjoint_interface; "
                             "is it a library made by adjoint-compile, and "
                             "is the prefix right?") from None
        describe.restype = ctypes.c_char_p
        describe.argtypes = []
        self.interface = json.loads(describe().decode())
        version = self.interface.get("adjoint_abi")
        if version != ABI_VERSION:
            raise ValueError(f"{path}: interface version {version}; this "
                             f"module reads version {ABI_VERSION}")
        # Libraries from before <prefix>_status_message existed lack it.
        self._status_message = getattr(self.dll, prefix + "_status_message",
                                       None)
        if self._status_message is not None:
            self._status_message.restype = ctypes.c_char_p
            self._status_message.argtypes = [ctypes.c_int32]
        self.functions = {}
        for desc in self.interface["functions"]:
            f = Function(self, desc)
            self.functions[f.name] = f

    def status_message(self, status):
        """What a function's status means ("ok" for 0), or None if the
        library cannot say."""
        if self._status_message is None:
            return None
        return self._status_message(_int32(status, "status")).decode()

    def initial_values(self):
        """The parameters' initial values that the library exports (an ONNX
        model's initializers; `<prefix>_initial_value`, docs/c-abi.md), as
        a dict of fresh arrays by argument name; empty if it has none."""
        specs = self.interface.get("initial_values", [])
        if not specs:
            return {}
        read = getattr(self.dll, self.prefix + "_initial_value")
        read.restype = ctypes.c_int32
        read.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        values = {}
        for spec in specs:
            a = np.empty(spec["shape"], DTYPES[spec["dtype"]])
            status = read(spec["name"].encode(), a.ctypes.data)
            if status != 0:
                raise CallError(f"{self.prefix}_initial_value", status)
            values[spec["name"]] = a
        return values

    def set_num_threads(self, n):
        """Sets the threads the library's kernels use (n <= 0: OpenMP's
        default, OMP_NUM_THREADS or every core); returns the previous
        setting (0 for the default). Results do not depend on it."""
        setter = getattr(self.dll, self.prefix + "_set_num_threads")
        setter.restype = ctypes.c_int32
        setter.argtypes = [ctypes.c_int32]
        return setter(_int32(n, "set_num_threads"))

    def __getattr__(self, name):
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"{self.__dict__.get('path', 'library')} has no "
                             f"function '{name}'; it has "
                             f"{', '.join(functions) or 'none'}")

    def __getitem__(self, name):
        return self.functions[name]

    def __dir__(self):
        return list(super().__dir__()) + list(self.functions)

    def __repr__(self):
        return (f"<adjoint library {self.path} (prefix {self.prefix}): "
                f"{', '.join(self.functions)}>")


def find_prefix(path, symbols=None):
    """The prefix of a library made by adjoint-compile: the `<prefix>` of
    its one exported `<prefix>_adjoint_interface` symbol (among `symbols`,
    the library's dynamic symbols, if given)."""
    suffix = "_adjoint_interface"
    if symbols is None:
        try:
            symbols = dynamic_symbols(path)
        except ElfError as e:
            raise ValueError(f"{e}; pass prefix= to adjoint.load") from None
    prefixes = sorted({s[:-len(suffix)] for s in symbols
                       if s.endswith(suffix) and len(s) > len(suffix)})
    if len(prefixes) != 1:
        found = ", ".join(prefixes) if prefixes else "none"
        raise ValueError(f"{path}: expected one *{suffix} symbol, found "
                         f"{found}; pass prefix= to adjoint.load")
    return prefixes[0]


def load(path, prefix=None):
    """Loads a library made by adjoint-compile. Without `prefix`, it is
    read from the library's dynamic symbol table."""
    return Library(path, prefix)


def find_compiler():
    """The adjoint-compile executable: $ADJOINT_COMPILE; else the one of
    the installation this package belongs to (<prefix>/bin, for a package
    in <prefix>/share/adjoint/python/adjoint); else the first on PATH; else
    build/bin of the source tree this package is in."""
    env = os.environ.get("ADJOINT_COMPILE")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    parts = here.split(os.sep)
    if parts[-3:] == ["adjoint", "python", "adjoint"]:
        candidate = os.path.join(here, "..", "..", "..", "..", "bin",
                                 "adjoint-compile")
        if os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    on_path = shutil.which("adjoint-compile")
    if on_path:
        return on_path
    if parts[-3:] == ["tools", "python", "adjoint"]:
        candidate = os.path.join(here, "..", "..", "..", "build", "bin",
                                 "adjoint-compile")
        if os.access(candidate, os.X_OK):
            return os.path.normpath(candidate)
    raise FileNotFoundError(
        "adjoint-compile not found: set ADJOINT_COMPILE or put it on PATH")


# How adjoint-compile's note that it builds the kernel runtime begins.
RUNTIME_NOTE = "adjoint: building the kernel runtime"


def _is_pair(spec):
    """Whether `spec` is one ("fn", ["a", "b"]) pair."""
    return (isinstance(spec, (tuple, list)) and len(spec) == 2
            and isinstance(spec[0], str)
            and isinstance(spec[1], (tuple, list)))


def _specs(option, specs):
    """The flags for `specs`: "fn", "fn:wrt=a,b", a pair ("fn", ["a", "b"])
    or a list of them."""
    if specs is None:
        return []
    name = option.lstrip('-').replace('-', '_')
    # ("loss", "W1") reads as two specs, "loss" and "W1" (a function named
    # W1): almost surely a pair whose argument list lost its brackets.
    if (isinstance(specs, tuple) and len(specs) == 2
            and all(isinstance(s, str) for s in specs)):
        raise TypeError(
            f"{name}={specs!r}: for the gradient of {specs[0]!r} w.r.t. "
            f"{specs[1]!r} write ({specs[0]!r}, [{specs[1]!r}]) or "
            f"\"{specs[0]}:wrt={specs[1]}\"; for two functions, a list "
            f"[{specs[0]!r}, {specs[1]!r}]")
    if isinstance(specs, str) or _is_pair(specs):
        specs = [specs]
    args = []
    for spec in specs:
        if _is_pair(spec):
            fn, wrt = spec
            spec = f"{fn}:wrt={','.join(str(w) for w in wrt)}"
        elif not isinstance(spec, str):
            raise TypeError(
                f"{name}: expected \"fn\", "
                f"\"fn:wrt=a,b\", a pair (\"fn\", [\"a\", \"b\"]) or a "
                f"list of them, got {spec!r}")
        args += [option, spec]
    return args


def compile(path, output=None, grad=None, value_and_grad=None, prefix=None,
            options=(), load=True, check_numerics=False, check_indices=True,
            loss=None):
    """Compiles the model `path` (a .mlir or .onnx file) with adjoint-compile
    and returns the loaded Library (or, with load=False, the library's path).

    `grad` / `value_and_grad`: derivatives to export, each "fn" or
    "fn:wrt=a,b" as on the command line, or a pair ("fn", ["a", "b"]).
    `check_numerics`: a call raises CallError naming the op that produced
    the first NaN or Inf (adjoint-compile --check-numerics).
    `check_indices` (on by default): a call raises CallError naming the op
    that read an index or a class label out of range
    (adjoint-compile --check-indices).
    `output` defaults to lib<model>.so in a new temporary directory;
    `loss` ("softmax_cross_entropy" or "mse", ONNX models only) adds the
    function `loss` with a `labels` input (docs/onnx.md).
    `options` are further command-line flags: a list of them, or one string
    split as a shell would ("-O0 --target-cpu=haswell"). Raises
    CompileError with the compiler's diagnostics on failure.

    Without `output`, the library is written to a new temporary directory
    that is removed when the returned Library is garbage-collected or the
    interpreter exits (with load=False, the caller owns the directory of
    the returned path).
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if isinstance(options, str):
        options = shlex.split(options)
    temporary = None
    if output is None:
        stem = re.sub(r"\W", "_", os.path.basename(path).split(".")[0])
        temporary = tempfile.mkdtemp(prefix="adjoint-")
        output = os.path.join(temporary, f"lib{stem or 'model'}.so")
    command = [find_compiler(), os.fspath(path), "-o", os.fspath(output)]
    if prefix is not None:
        command += ["--prefix", prefix]
    if loss is not None:
        command += ["--loss", loss]
    try:
        command += _specs("--grad", grad) + _specs("--value-and-grad",
                                                  value_and_grad)
    except TypeError:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    if check_numerics:
        command.append("--check-numerics")
    if not check_indices:
        command.append("--check-indices=false")
    command += list(options)
    # errors="replace": a diagnostic may quote a line of a binary file.
    # stderr is read as it comes: the note that the kernel runtime is being
    # built (the first compile for this CPU, about a minute) goes to the
    # caller's stderr before the wait, not after it; the rest is kept for
    # CompileError.
    with subprocess.Popen(command, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True,
                          errors="replace") as p:
        diagnostics = []
        for line in p.stderr:
            if line.startswith(RUNTIME_NOTE):
                sys.stderr.write(line)
                sys.stderr.flush()
            else:
                diagnostics.append(line)
    if p.returncode != 0:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        raise CompileError(f"adjoint-compile failed (exit {p.returncode}):\n"
                           + "".join(diagnostics).strip())
    if not load:
        return output
    try:
        library = Library(output, prefix)
    except BaseException:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    if temporary:
        # The loaded library stays mapped after its file is removed.
        weakref.finalize(library, shutil.rmtree, temporary, ignore_errors=True)
    return library
