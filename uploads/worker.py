"""`python -m uploads.worker FD`: the scrubber's fork server (uploads/pipeline.py starts it).

It imports Pillow and the scrubber once, then waits for jobs on the control socket it was
given (file descriptor FD). Each job brings a socket for one file; the server forks a child
for it and goes back to waiting. The server is single-threaded, so forking it is safe, and a
file costs a fork instead of a Python start-up and its imports.

The child lowers its own memory (bytes) and CPU (seconds) limits, then reads the file from
its socket (it never touches disk), and writes one JSON line (the receipt or the refusal,
with the output's length) and then the scrubbed bytes. A decompression bomb or a decoder
bug costs that child only.

Each job also brings a status socket, which the child never holds: when the child ends,
the server writes how (`exit N` or `signal N`) there. The caller can then tell a decoder
that crashed on the file (SIGSEGV: the file's fault) from a CPU limit (SIGXCPU) or a bug of
ours (a Python error), which it could not do from a silent socket alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import selectors
import socket
import sys
from typing import Any, NoReturn

from uploads.scrub import Limits, Refused, edit, scrub

# The protocol: the caller sends the file's length in this many bytes (big-endian), then the
# file. uploads/pipeline.py writes it.
LENGTH_BYTES = 8


def limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit (the caller reads it as "too slow"); SIGKILL at the hard
    # one, were SIGXCPU ever ignored. Equal limits would skip SIGXCPU and look like memory.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not dump the image


def read_exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the caller hung up")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def handle(connection: socket.socket, job: dict[str, Any]) -> None:
    """In the child: one file in, one header line and the scrubbed bytes out."""
    limit(job["memory"], job["cpu"])
    limits = Limits(**job["limits"])
    size = int.from_bytes(read_exactly(connection, LENGTH_BYTES), "big")
    if size > limits.max_bytes:
        raise Refused("The file is too large.")
    data = read_exactly(connection, size)
    options = job.get("options")
    try:
        if options is not None:
            output, output_format, dimensions = edit(
                data,
                rotate=options.get("rotate", 0),
                crop=options.get("crop"),
                rectangles=options.get("rectangles", []),
            )
            header: dict[str, Any] = {
                "ok": True,
                "output_format": output_format,
                "size": list(dimensions),
            }
        else:
            output, receipt = scrub(data, limits)
            header = {"ok": True, "receipt": receipt.as_dict()}
    except Refused as refusal:
        header, output = {"ok": False, "error": str(refusal)}, b""
    except MemoryError:
        header, output = {"ok": False, "error": "memory"}, b""
    header["length"] = len(output)
    del data
    # The peak resident set, for bench/scrub.py (this process is not the caller's child).
    header["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    connection.sendall(json.dumps(header).encode() + b"\n" + output)


def _child(fd: int, job: dict[str, Any]) -> NoReturn:
    """Never returns: a child reports by its socket and its exit status, never by raising
    into the server's loop (which it would otherwise go on to run as a second server)."""
    code = 1
    try:
        with socket.socket(fileno=fd) as connection:
            handle(connection, job)
        code = 0
    except BaseException as error:  # the caller sees no header and refuses the file
        print(f"scrub worker: {type(error).__name__}", file=sys.stderr)
    finally:
        os._exit(code)


def exit_status(status: int) -> str:
    """`exit N` or `signal N`, what the caller reads on the status socket."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"


def serve(control: socket.socket) -> None:
    """One loop, one thread: new jobs on the control socket, ended children on their pidfds
    (each reaped and its status written to the job's status socket, then closed)."""
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    while True:
        for key, _events in selector.select():
            if key.data is not None:  # a child has ended
                pid, status_socket = key.data
                selector.unregister(key.fileobj)
                os.close(key.fd)
                _pid, status = os.waitpid(pid, 0)
                with status_socket, contextlib.suppress(OSError):  # the caller may have gone
                    status_socket.sendall(exit_status(status).encode())
                continue
            message, fds, _flags, _address = socket.recv_fds(control, 65536, 2)
            if not message:
                return  # the server that started us has gone: so do we
            if len(fds) != 2:
                for fd in fds:
                    os.close(fd)
                control.sendall(b"0")  # refused: the caller sees no child
                continue
            job = json.loads(message)
            connection_fd, status_fd = fds
            pid = os.fork()
            if pid == 0:
                # The child keeps its file's socket and nothing else of the server: not the
                # control socket, this job's status socket (only the server reports the end),
                # nor other jobs' status sockets and pidfds, which it would hold open.
                control.detach()
                os.closerange(3, connection_fd)
                os.closerange(connection_fd + 1, os.sysconf("SC_OPEN_MAX"))
                _child(connection_fd, job)
            os.close(connection_fd)  # the child has it; the caller sees EOF when it is done
            status_socket = socket.socket(fileno=status_fd)
            selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (pid, status_socket))
            control.sendall(str(pid).encode())


def main() -> int:
    control = socket.socket(fileno=int(sys.argv[1]))
    with contextlib.suppress(ConnectionError, KeyboardInterrupt):  # the caller has gone
        serve(control)
    return 0


if __name__ == "__main__":
    sys.exit(main())
