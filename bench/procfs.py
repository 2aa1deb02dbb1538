"""What /proc says of the processes a benchmark started: peak memory, CPU seconds spent."""

from __future__ import annotations

import os
from pathlib import Path


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0.0


def cpu_seconds(app_pid: int) -> dict[str, float]:
    """CPU seconds used so far by this run's Chromium (the processes under this one whose program is
    Chromium) and by the app (Streamlit), from /proc: who spent the machine while the sessions ran."""
    tick, processes = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            program = (entry / "cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        processes[int(entry.name)] = (int(fields[1]), Path(program).name, seconds)

    def ours(pid: int) -> bool:
        while pid > 1 and pid in processes:
            pid = processes[pid][0]
            if pid == os.getpid():
                return True
        return False

    chromium = sum(t for pid, (_, name, t) in processes.items() if "chromium" in name and ours(pid))
    return {"chromium": chromium, "app": processes.get(app_pid, (0, "", 0.0))[2]}
