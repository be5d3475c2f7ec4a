# RUN: %python %s
# The kernel runtime's cache (lib/Target/NativeCode.cpp, getRuntimeObject)
# with a stand-in `cc` first on PATH, which compiles the runtime's source
# as a one-function stub in a moment (the real runtime takes a minute) and
# passes the link to the real cc:
# - the first compile into an empty $ADJOINT_CACHE_DIR prints one note on
#   stderr (adjoint-compile's, and adjoint.compile forwards it), the second
#   none; the cache then holds one object and no temporary file;
# - a compile killed by SIGTERM or SIGINT while cc runs, or one whose cc
#   fails, leaves no kernels-*.o.tmp;
# - writing a new object deletes temporary files older than a day (left by
#   SIGKILL), and keeps newer ones (a concurrent compile's).
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

import compiletest as ct

NOTE = "adjoint: building the kernel runtime for this CPU once"

d = ct.tmpdir()
compiler = shutil.which("adjoint-compile")
real_cc = shutil.which("cc")
bin_dir = os.path.join(d, "bin")
os.makedirs(bin_dir)
fake_cc = os.path.join(bin_dir, "cc")
with open(fake_cc, "w") as f:
    f.write(f"""#!/bin/sh
if [ -n "$FAKE_CC_FAIL" ]; then echo "fake cc fails" >&2; exit 1; fi
for a; do [ "$a" = -c ] && compile=1; done
[ -z "$compile" ] && exec {real_cc} "$@"
if [ -n "$FAKE_CC_HANG" ]; then echo $$ > "$FAKE_CC_HANG"; exec sleep 120; fi
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo 'int adjoint_rt_set_num_threads(int n) {{ return n; }}' |
  exec {real_cc} -c -fPIC -x c - -o "$out"
""")
os.chmod(fake_cc, 0o755)

model = os.path.join(d, "twice.mlir")
with open(model, "w") as f:
    f.write("""
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = arith.addf %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
""")


def env_for(cache, **extra):
    env = dict(os.environ, ADJOINT_CACHE_DIR=cache,
               PATH=bin_dir + os.pathsep + os.environ["PATH"])
    env.update(extra)
    return env


def files(cache, pattern):
    return sorted(glob.glob(os.path.join(cache, pattern)))


def compile_model(cache, name, **extra):
    return subprocess.run(
        [compiler, model, "-o", os.path.join(d, name)],
        env=env_for(cache, **extra), capture_output=True, text=True)


# The note once, on the first compile only; one object, no temporary.
cache = os.path.join(d, "cache")
first = compile_model(cache, "first.so")
assert first.returncode == 0, first.stderr
assert first.stderr == f"{NOTE} (about a minute); cached in {cache}\n", \
    first.stderr
second = compile_model(cache, "second.so")
assert second.returncode == 0 and second.stderr == "", second.stderr
assert len(files(cache, "kernels-*.o")) == 1, os.listdir(cache)
assert files(cache, "*.tmp") == [], os.listdir(cache)

# adjoint.compile (stderr captured) forwards the note, and only the note.
script = ("import adjoint, sys; "
          "adjoint.compile(sys.argv[1], output=sys.argv[2], load=False)")
for run, expected in ((1, 1), (2, 0)):
    py = subprocess.run(
        [sys.executable, "-c", script, model,
         os.path.join(d, f"py{run}.so")],
        env=env_for(os.path.join(d, "py-cache"), ADJOINT_COMPILE=compiler),
        capture_output=True, text=True)
    assert py.returncode == 0, py.stderr
    assert py.stderr.count(NOTE) == expected == len(py.stderr.splitlines()), \
        py.stderr

# A failing cc: an error, and no temporary left.
cache = os.path.join(d, "fail-cache")
failed = compile_model(cache, "fail.so", FAKE_CC_FAIL="1")
assert failed.returncode != 0 and "fake cc fails" in failed.stderr, \
    failed.stderr
assert files(cache, "*") == [], os.listdir(cache)

# Killed while cc runs: the signal handler deletes the temporary.
for sig in (signal.SIGTERM, signal.SIGINT):
    cache = os.path.join(d, f"killed-cache-{sig.name}")
    pid_file = os.path.join(d, f"cc-{sig.name}.pid")
    p = subprocess.Popen([compiler, model, "-o", os.path.join(d, "k.so")],
                         env=env_for(cache, FAKE_CC_HANG=pid_file),
                         stderr=subprocess.DEVNULL,
                         # A background job inherits SIGINT ignored.
                         preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                          signal.SIG_DFL))
    deadline = time.time() + 60
    while not (os.path.exists(pid_file) and files(cache, "*.o.tmp")):
        assert time.time() < deadline and p.poll() is None, \
            "the stand-in cc did not start"
        time.sleep(0.05)
    p.send_signal(sig)
    p.wait(timeout=60)
    with open(pid_file) as f:
        os.kill(int(f.read()), signal.SIGKILL)
    assert p.returncode != 0
    assert files(cache, "*") == [], os.listdir(cache)

# Stale temporaries: older than a day deleted, newer ones kept.
cache = os.path.join(d, "stale-cache")
os.makedirs(cache)
stale = os.path.join(cache, "kernels-00000000.o.tmp")
fresh = os.path.join(cache, "kernels-11111111.o.tmp")
other = os.path.join(cache, "notes.o.tmp")
for path in (stale, fresh, other):
    open(path, "w").close()
two_days_ago = time.time() - 2 * 86400
os.utime(stale, (two_days_ago, two_days_ago))
os.utime(other, (two_days_ago, two_days_ago))
done = compile_model(cache, "stale.so")
assert done.returncode == 0, done.stderr
assert not os.path.exists(stale)
assert os.path.exists(fresh) and os.path.exists(other)
print("ok")
