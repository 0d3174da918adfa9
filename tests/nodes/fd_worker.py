"""Loads two distinct GGUF models at once, round after round, while another thread writes to fds 1/2.

Run as a subprocess by ``test_pool_fds.py``: every line written here must reach the parent, which
holds the other ends of this process's stdout and stderr. Usage: ``fd_worker.py GGUF_A GGUF_B ROUNDS``.
"""

from __future__ import annotations

import os
import sys
import threading

from agentnet.nodes.pool import ModelPool, PoolKey


def main() -> None:
    first, second, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    stop = threading.Event()
    ticks = [0]

    def chatter() -> None:
        # Writes straight to the file descriptors, as a log handler or llama.cpp's C code would.
        while not stop.is_set():
            ticks[0] += 1
            os.write(1, f"tick {ticks[0]}\n".encode())
            os.write(2, f"tick {ticks[0]}\n".encode())
            stop.wait(0.002)

    talker = threading.Thread(target=chatter)
    talker.start()
    try:
        for round_no in range(rounds):
            pool = ModelPool()
            keys = [PoolKey(path=first, n_ctx=256), PoolKey(path=second, n_ctx=256)]
            loaders = [threading.Thread(target=pool.get, args=(key,)) for key in keys]
            for loader in loaders:
                loader.start()
            for loader in loaders:
                loader.join()
            assert pool.loads == 2, pool.loads
            closers = [threading.Thread(target=pool.evict, args=(key,)) for key in keys]
            for closer in closers:
                closer.start()
            for closer in closers:
                closer.join()
            # One write per line (print() may split text and newline), through sys.stdout/sys.stderr.
            for stream in (sys.stdout, sys.stderr):
                stream.write(f"round {round_no} done\n")
                stream.flush()
    finally:
        stop.set()
        talker.join()
    os.write(1, f"ticks {ticks[0]}\n".encode())
    os.write(2, f"ticks {ticks[0]}\n".encode())


if __name__ == "__main__":
    main()
