"""Charts for the concurrency-models chapter, drawn from the committed data.

The book's build calls :func:`render_charts` (see ``book_charts`` in conf.py),
which writes each chart as PNG, SVG and PDF into ``book/_generated/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render straight to files

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")


# [start save]
def save(figure: Figure, out_dir: Path, stem: str) -> list[Path]:
    """One chart, three files: PNG for EPUB, SVG for HTML, PDF for LaTeX."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = out_dir / f"{stem}.{fmt}"
        # Fixed metadata keeps the files identical from one build to the next.
        metadata = {"Date": None} if fmt == "svg" else None
        if fmt == "pdf":
            metadata = {"CreationDate": None, "ModDate": None}
        figure.savefig(path, dpi=150, bbox_inches="tight", metadata=metadata)
        paths.append(path)
    plt.close(figure)
    return paths


# [end save]


def _machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['os_cpu_count']} CPUs (affinity {machine['sched_getaffinity']}), "
        f"{machine['implementation']} {machine['python']}, {machine['date_utc'][:10]}"
    )


def _workers(series: dict[str, float]) -> tuple[list[int], list[float]]:
    keys = sorted(series, key=int)
    return [int(k) for k in keys], [series[k] for k in keys]


def cpu_chart(data: dict[str, Any]) -> Figure:
    cpu = data["cpu_bound"]
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    for name, marker in (("threads", "o"), ("processes", "s")):
        x, y = _workers(cpu[name])
        axes.plot(x, y, marker=marker, label=f"{name} (pool of n)")
    axes.axhline(cpu["serial_s"], linestyle="--", color="gray", label="serial")
    axes.axhline(cpu["asyncio_s"], linestyle=":", color="black", label="asyncio")
    axes.set_xticks(_workers(cpu["threads"])[0])
    axes.set_xlabel("workers")
    axes.set_ylabel("wall time, seconds (lower is better)")
    axes.set_ylim(bottom=0)
    axes.set_title(f"{cpu['tasks']} pure-Python CPU tasks", fontsize=11)
    axes.legend(fontsize=8)
    figure.text(0.01, -0.06, _machine_line(data["machine"]), fontsize=7)
    return figure


def io_chart(data: dict[str, Any]) -> Figure:
    io = data["io_bound"]
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    levels = io["concurrency"]
    labels = {
        "serial_s": "serial (one socket at a time)",
        "threads_s": "threads (one per operation)",
        "thread_pool_40_s": "thread pool of 40",
        "asyncio_s": "asyncio (one task per operation)",
    }
    for key, label in labels.items():
        axes.plot(levels, io[key], marker="o", label=label)
    ideal = [io["server_delay_s"]] * len(levels)
    axes.plot(levels, ideal, linestyle=":", color="gray", label="one server delay")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(levels, [f"{c:,}" for c in levels])
    axes.set_xlabel("concurrent operations")
    axes.set_ylabel("wall time for all, seconds")
    delay_ms = io["server_delay_s"] * 1000
    axes.set_title(f"Requests to a local server answering after {delay_ms:g} ms")
    axes.title.set_fontsize(11)
    axes.legend(fontsize=8)
    figure.text(0.01, -0.06, _machine_line(data["machine"]), fontsize=7)
    return figure


def gil_chart(data: dict[str, Any]) -> Figure:
    hashing, cpu = data["gil_releasing"], data["cpu_bound"]
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    x, y = _workers(hashing["threads"])
    axes.plot(x, [hashing["serial_s"] / t for t in y], marker="o", label="hashlib")
    x, y = _workers(cpu["threads"])
    axes.plot(x, [cpu["serial_s"] / t for t in y], marker="s", label="pure Python")
    axes.axhline(1.0, linestyle="--", color="gray", label="serial")
    axes.set_xticks(x)
    axes.set_xlabel("threads")
    axes.set_ylabel("speed-up over serial (higher is better)")
    axes.set_ylim(bottom=0)
    mib = hashing["buffer_mib"]
    axes.set_title(f"Threads: SHA-256 of {mib} MiB buffers vs pure Python")
    axes.title.set_fontsize(11)
    axes.legend(fontsize=8)
    figure.text(0.01, -0.06, _machine_line(data["machine"]), fontsize=7)
    return figure


# [start render]
def render_charts(data_path: Path, out_dir: Path) -> list[Path]:
    """Draw every chart of the chapter from the benchmark's JSON."""
    data = json.loads(Path(data_path).read_text())
    paths: list[Path] = []
    paths += save(cpu_chart(data), out_dir, "models_cpu_bound")
    paths += save(io_chart(data), out_dir, "models_io_bound")
    paths += save(gil_chart(data), out_dir, "models_gil_release")
    return paths


# [end render]


if __name__ == "__main__":
    import tempfile

    committed = (
        Path(__file__).resolve().parents[2] / "book/concurrency/data/models.json"
    )
    with tempfile.TemporaryDirectory() as tmp:
        written = render_charts(committed, Path(tmp))
        # Each chart in the three formats the editions need: HTML, EPUB, PDF.
        stems = {"models_cpu_bound", "models_io_bound", "models_gil_release"}
        assert {p.name for p in written} == {
            f"{stem}{suffix}" for stem in stems for suffix in (".png", ".svg", ".pdf")
        }
        assert all(p.stat().st_size > 1000 for p in written)
        assert (Path(tmp) / "models_io_bound.png").read_bytes()[:4] == b"\x89PNG"
