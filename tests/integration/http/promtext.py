"""A small parser of the Prometheus text exposition format (version 0.0.4), for the tests
of `muxd http --status-path`: strict enough to fail on a malformed line."""
import re

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def parse(text):
    """{(name, frozenset(labels.items())): float} and {name: type}; raises ValueError."""
    samples, types = {}, {}
    if not text.endswith("\n"):
        raise ValueError("the exposition must end with a line feed")
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if line.startswith("#") or not line:
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise ValueError(f"not a sample: {line!r}")
        name, label_text, value = match.groups()
        labels = {}
        position = 0
        while label_text and position < len(label_text):
            label = _LABEL.match(label_text, position)
            if not label:
                raise ValueError(f"bad labels: {line!r}")
            labels[label.group(1)] = label.group(2)
            position = label.end()
        samples[(name, frozenset(labels.items()))] = float(value)
    return samples, types


def value(samples, name, **labels):
    return samples[(name, frozenset(labels.items()))]


def worker_values(samples, name, **labels):
    """{worker: value} of the samples of `name` with these labels and a worker label."""
    out = {}
    for (sample_name, sample_labels), v in samples.items():
        d = dict(sample_labels)
        worker = d.pop("worker", None)
        if sample_name == name and worker is not None and d == labels:
            out[worker] = v
    return out
