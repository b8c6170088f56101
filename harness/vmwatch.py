#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run QEMU and watch its serial logs: the guest's watchdog on the host.

usage: vmwatch.py [options] -- QEMU-COMMAND...

  --kernel-log F   the file QEMU writes the first serial port (the kernel
                   log) to; required
  --job-log F      the file QEMU writes the second serial port (the job's
                   output) to
  --log F          QEMU's own stdout and stderr (default /dev/null)
  --limit S        wall-clock limit of the whole run (0: none)
  --boot-limit S   the kernel banner ("Linux version"), or any output of
                   the job, must appear within S seconds of QEMU's start,
                   or the boot failed (0: none)
  --stall-limit S  once the kernel has printed its banner, a guest that
                   prints nothing for S seconds has stalled (0: none).
                   Until the job starts any output counts; after it, only
                   the job's: a hung job under a chatty kernel still stalls
  --follow         print the job's output on stdout as it arrives, without
                   the harness's VM-JOB-START and VM-EXIT-STATUS lines
  --banner         a probe: stop QEMU as soon as the banner appears

Whatever ends the run, QEMU is gone when this returns: it runs in its own
process group, which gets SIGTERM and, 5 s later, SIGKILL; SIGTERM, SIGHUP
or SIGINT to this watcher end the run the same way, and QEMU is killed if
the watcher dies any other way (PR_SET_PDEATHSIG).  The exit status
says what happened:

  0..120  QEMU exited by itself with this status (with --banner: 0 means
          the banner appeared, 1 that QEMU exited without printing it)
  122     stalled (--stall-limit)
  123     no kernel banner within --boot-limit
  124     --limit reached

The reason is printed as one line on stderr for 122, 123 and 124.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

BANNER = b'Linux version '
POLL = 0.2


class Tail:
    """Bytes appended to a file since the last look, split into lines."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = b''
        self.seen = b''  # everything, for banner searches (kernel log only)

    def grew(self, keep=False):
        """Return the complete lines added since the last call."""
        try:
            with open(self.path, 'rb') as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return None
        if not data:
            return None
        self.offset += len(data)
        if keep:
            self.seen += data
        data = self.partial + data
        lines = data.split(b'\n')
        self.partial = lines.pop()
        return lines

    def rest(self):
        """The last line, if the file does not end with a newline."""
        lines = self.grew() or []
        if self.partial:
            lines.append(self.partial)
            self.partial = b''
        return lines


def stop(proc):
    """End QEMU's whole process group, politely first."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return  # reaped: its pid may belong to someone else now
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def show(lines):
    """Print job output lines, minus the harness's own markers."""
    for raw in lines:
        line = raw.decode('utf-8', errors='replace').replace('\r', '')
        if line == 'VM-JOB-START' or line.startswith('VM-EXIT-STATUS: '):
            continue
        sys.stdout.write(line + '\n')
    sys.stdout.flush()


def die_with_parent():
    """In QEMU, before exec: be killed if this watcher dies, however."""
    try:
        import ctypes  # pylint: disable=import-outside-toplevel
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def on_signal(signum, _frame):
    """SIGTERM, SIGHUP, SIGINT: stop QEMU on the way out (see main())."""
    raise SystemExit(128 + signum)


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument('--kernel-log', required=True)
    ap.add_argument('--job-log')
    ap.add_argument('--log', default=os.devnull)
    ap.add_argument('--limit', type=float, default=0)
    ap.add_argument('--boot-limit', type=float, default=0)
    ap.add_argument('--stall-limit', type=float, default=0)
    ap.add_argument('--follow', action='store_true')
    ap.add_argument('--banner', action='store_true')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ['--'] else args.cmd
    if not cmd:
        ap.error('no QEMU command given')

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    with open(args.log, 'wb') as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT,
                                start_new_session=True,
                                preexec_fn=die_with_parent)
    try:
        return watch(args, proc)
    finally:
        # Whatever ended the watch - a verdict, a signal, a closed stdout,
        # a bug - QEMU does not outlive it.
        stop(proc)


def watch(args, proc):
    """Poll the logs until QEMU exits or a limit is reached."""
    klog = Tail(args.kernel_log)
    jlog = Tail(args.job_log) if args.job_log else None
    start = time.monotonic()
    booted = None       # when the banner appeared
    job_started = False
    quiet_since = None  # last output that counts against the stall limit
    verdict = None
    while True:
        done = proc.poll() is not None
        now = time.monotonic()

        if klog.grew(keep=booted is None) is not None:
            if not job_started:
                quiet_since = now
        if booted is None and BANNER in klog.seen:
            booted = quiet_since = now
            klog.seen = b''
            if args.banner:
                stop(proc)
                return 0
        if jlog:
            lines = jlog.grew()
            if lines is not None:
                # Output from the job proves a boot even when "quiet" on
                # the kernel command line hides the banner.
                booted = booted or now
                quiet_since = now
                if not job_started and b'VM-JOB-START' in b'\n'.join(lines):
                    job_started = True
                if args.follow:
                    show(lines)

        if done:
            break
        if booted is None and args.boot_limit and now - start > args.boot_limit:
            verdict = (123, f'no kernel output within {args.boot_limit:g}s '
                            f'of starting QEMU: the guest did not boot')
        elif (booted is not None and args.stall_limit
              and now - quiet_since > args.stall_limit):
            what = 'job' if job_started else 'guest'
            verdict = (122, f'the {what} printed nothing for '
                            f'{args.stall_limit:g}s: stalled')
        elif args.limit and now - start > args.limit:
            verdict = (124, f'the guest did not finish within {args.limit:g}s')
        if verdict:
            stop(proc)
            break
        time.sleep(POLL)

    if jlog and args.follow:
        show(jlog.rest())
    if verdict:
        print(f'vmwatch: {verdict[1]}', file=sys.stderr)
        return verdict[0]
    if args.banner:
        return 1
    return min(proc.returncode, 120) if proc.returncode >= 0 else 120


if __name__ == '__main__':
    sys.exit(main())
