# The bad-input corpus through the Python package: malformed, empty, missing
# and unreadable model files, wrong dtypes in the model, huge dimensions,
# missing functions and unknown flags each raise an exception with the
# compiler's exact message; corrupt and truncated libraries are refused
# before they are loaded (dlopen would crash the process on a truncated one).
# Wrong dtypes and shapes of call arguments: test/Python/errors.py.
# RUN: %python %s

import os

import numpy as np

import adjoint
import compiletest as ct

d = ct.tmpdir()
checked = 0


def write(name, text, mode="w"):
    path = os.path.join(d, name)
    with open(path, mode) as f:
        f.write(text)
    return path


def expect(error, message, fn, *args, first_lines=None, **kwargs):
    """fn(*args, **kwargs) raises `error` with exactly `message` (or, with
    first_lines=n, whose first n lines are exactly `message`)."""
    global checked
    try:
        fn(*args, **kwargs)
    except error as e:
        text = str(e)
        if first_lines is not None:
            text = "\n".join(text.split("\n")[:first_lines])
        assert text == message, f"\n{text!r}\n!=\n{message!r}"
        print(f"{error.__name__}: {message}")
        checked += 1
        return
    raise AssertionError(f"no {error.__name__}: {message}")


def compile_error(*lines):
    return "\n".join(("adjoint-compile failed (exit 1):",) + lines)


GOOD = """\
func.func @f(%x: tensor<3xf32> {adj.name = "x"}) -> tensor<f32> {
  %0 = adj.sin %x : tensor<3xf32>
  %1 = adj.sum %0 axes [0] : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
"""
good = write("good.mlir", GOOD)

# Model files.
empty = write("empty.mlir", "")
expect(adjoint.CompileError, compile_error(
    f"{empty}:0:0: error: nothing to compile: the model has no public "
    "function with a body"), adjoint.compile, empty)
truncated = write("truncated.mlir",
                  GOOD[:GOOD.index("tensor<3xf32>\n")].rstrip())
expect(adjoint.CompileError, compile_error(
    f"{truncated}:2:18: error: expected non-function type",
    "  %0 = adj.sin %x :",
    "                 ^"), adjoint.compile, truncated)
binary = write("binary.mlir", b"\x7fELF\x02\x01\x01\x00\xff\xfe", "wb")
expect(adjoint.CompileError, compile_error(
    f"{binary}:1:1: error: unexpected character",
    # The quoted line, its bytes that are not UTF-8 replaced.
    "\x7fELF\x02\x01\x01\x00\ufffd\ufffd"), adjoint.compile, binary)
directory = os.path.join(d, "dir.mlir")
os.mkdir(directory)
expect(adjoint.CompileError, compile_error(
    f"adjoint-compile: error: cannot open input file '{directory}': Is a "
    "directory"), adjoint.compile, directory)
missing = os.path.join(d, "missing.mlir")
expect(FileNotFoundError, f"{missing}: no such file", adjoint.compile,
       missing)

# Wrong dtypes in the model; dimensions whose byte size overflows.
dtypes = write("dtypes.mlir", GOOD.replace("3xf32", "3xi64"))
expect(adjoint.CompileError, compile_error(
    f"{dtypes}:2:8: error: 'adj.sin' op operand #0 must be statically shaped "
    "tensor of 32-bit float or 64-bit float values, but got 'tensor<3xi64>'",
    "  %0 = adj.sin %x : tensor<3xi64>",
    "       ^"), adjoint.compile, dtypes)
huge = write("huge.mlir", GOOD.replace("3xf32", "9223372036854775807x2xf32")
             .replace("axes [0]", "axes [0, 1]"))
expect(adjoint.CompileError, compile_error(
    f"{huge}:1:14: error: 'tensor<9223372036854775807x2xf32>' is too large: "
    "its size in bytes does not fit in 64 bits",
    'func.func @f(%x: tensor<9223372036854775807x2xf32> {adj.name = "x"}) '
    "-> tensor<f32> {",
    "             ^"), adjoint.compile, huge)

# Missing functions and arguments; unknown flags.
expect(adjoint.CompileError, compile_error(
    "adjoint-compile: error: --grad=nope: no function 'nope' with a body in the "
    "model"), adjoint.compile, good, grad="nope")
expect(adjoint.CompileError, compile_error(
    "adjoint-compile: error: --value-and-grad=f:wrt=y: @f has no argument named "
    "or numbered 'y'; its arguments are 'x' (0 to 0): an argument's name is its "
    "{adj.name = \"...\"}, else argN, never its SSA name"),
    adjoint.compile, good, value_and_grad=[("f", ["y"])])
compiler = adjoint.find_compiler()
# The "Did you mean" line that follows depends on which flags exist.
expect(adjoint.CompileError, compile_error(
    "adjoint-compile: Unknown command line argument '--no-such-flag'.  Try: "
    f"'{compiler} --help'"),
    adjoint.compile, good, options=["--no-such-flag"], first_lines=2)
expect(adjoint.CompileError, compile_error(
    "adjoint-compile: error: unknown --emit=exe; use one of mlir, linalg, "
    "bufferized, llvm, llvm-ir, asm, obj, so, header"),
    adjoint.compile, good, options=["--emit=exe"])

# Corrupt and truncated libraries: refused with or without prefix=.
lib = adjoint.compile(good, output=os.path.join(d, "libgood.so"))
with open(lib.path, "rb") as f:
    data = f.read()
for size in [0, 3, 200, len(data) // 2]:
    cut = write(f"libcut{size}.so", data[:size], "wb")
    reason = "not an ELF file" if size < 4 else None
    for prefix in [None, "good"]:
        if reason is None:
            # The offsets in the reader's message depend on the layout.
            try:
                adjoint.load(cut, prefix=prefix)
            except ValueError as e:
                assert str(e).startswith(f"{cut}: malformed ELF file (")
                assert str(e).endswith("); is it a library made by "
                                       "adjoint-compile?"), str(e)
                checked += 1
                continue
            raise AssertionError(f"{cut} loaded")
        expect(ValueError, f"{cut}: {reason}; is it a library made by "
               "adjoint-compile?", adjoint.load, cut, prefix=prefix)
np.testing.assert_allclose(lib.f(np.array([1, 2, 3], np.float32)),
                           np.sin([1, 2, 3]).sum(), rtol=1e-6)
print(f"{checked} bad inputs checked")
