#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A compile cache for build tests that compile the same sources under
many configurations (tests/integration/test_build.py builds the defconfig
with each option turned off, one tree per option): an object is reused
when the compiler, its arguments and the preprocessed source are the same.

    KEEL_CC_CACHE=<dir> KEEL_CC_CACHE_BUILD=<build dir> \\
        make CC_WRAPPER=$PWD/tools/cc-cache.py O=<build dir> ...

The build directory (which the arguments and line markers name, through
-include .../autoconf.h) is replaced by a placeholder in the key, so that
trees of different configurations share what their configurations do not
change. Anything but "-c <source> -o <object>" runs the compiler as is.
The dependency file (-MMD) comes from the preprocessing run, so it is
right on a hit too.
"""
import hashlib
import os
import shutil
import subprocess
import sys


def main(argv):
    cc, args = argv[1], argv[2:]
    cache = os.environ.get("KEEL_CC_CACHE")
    if not cache or "-c" not in args or "-o" not in args:
        os.execvp(cc, [cc] + args)
    out = args[args.index("-o") + 1]
    build = os.environ.get("KEEL_CC_CACHE_BUILD", "\0")

    pre = [a for a in args if a not in ("-c", "-MMD", "-MP")]
    i = pre.index("-o")
    del pre[i:i + 2]
    dep = os.path.splitext(out)[0] + ".d"
    pre += ["-E", "-o", "-"]
    if "-MMD" in args:
        pre += ["-MMD", "-MF", dep, "-MT", out] + (["-MP"] if "-MP" in args else [])
    p = subprocess.run([cc] + pre, stdout=subprocess.PIPE)
    if p.returncode:
        # Let the compiler itself say what is wrong.
        os.execvp(cc, [cc] + args)

    key = hashlib.sha256()
    for a in [cc] + [a for a in args if a != out]:
        key.update(a.replace(build, "@BUILD@").encode() + b"\0")
    key.update(p.stdout.replace(build.encode(), b"@BUILD@"))
    cached = os.path.join(cache, key.hexdigest() + ".o")
    if os.path.exists(cached):
        shutil.copyfile(cached, out)
        return 0
    rc = subprocess.run([cc] + args).returncode
    if rc == 0:
        os.makedirs(cache, exist_ok=True)
        tmp = f"{cached}.{os.getpid()}"
        shutil.copyfile(out, tmp)
        os.replace(tmp, cached)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
