"""PyTorch's side of `npm run bench -- train` (bench/train.ts): the same network, from CNN Studio's
own PyTorch export (model.py + model.pt), trained on the CPU in float32 with Adam and
F.cross_entropy on the logits — the loop a PyTorch user writes.

    python3 train_torch.py serve THREADS
        JSON commands on stdin, one per line, one JSON reply per line on stdout:
        {"cmd": "model", "module": ".../model.py", "class": "LeNet5", "logits": "logits",
         "weights": ".../model.pt", "batch": 64, "input": [1, 32, 32], "classes": 10}
            → {"buildMs", "firstStepMs"}: a fresh model in training mode, Adam(lr=1e-3), random data
        {"cmd": "steps", "n": 10} → {"ms": [...], "cpuMs": [...]}: n timed steps on that data
        {"cmd": "epoch", "module", "class", "logits", "weights", "images", "labels", "shape",
         "order", "test", "batch", "evalBatch"}
            → {"trainMs", "evalMs", "samples", "loss", "accuracy", "testAccuracy"}: one epoch over the
            given preprocessed tensors (float32 / int32 files) in the given order, then the test split
        {"cmd": "quit"}
    python3 train_torch.py rss THREADS '<json>'
        One epoch on "samples" random images (80/20 split, whole batches, then the test split in
        "evalBatch" batches) in a fresh process; prints {"baselineMiB", "peakMiB"} (VmHWM after
        `import torch`, and at the end).

Timing is perf_counter around each step; CPU time is process_time (all threads).
"""
import importlib.util
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F


def peak_rss_bytes():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a big process reports
    # its parent's size (see bench/ort.ts).
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load_model(spec):
    mod_spec = importlib.util.spec_from_file_location("cnn_studio_bench_model", spec["module"])
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    model = getattr(mod, spec["class"])()
    if spec.get("weights"):
        model.load_state_dict(torch.load(spec["weights"]))
    model.train()
    scores = getattr(model, spec["logits"]) if spec.get("logits") else model
    return model, scores


def make_step(model, scores):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        logits = scores(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        # As our step graph: the loss and the batch's correct predictions come back each step.
        return loss.item(), (logits.argmax(1) == y).sum().item()

    return step


def random_batch(spec):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(spec["batch"], *spec["input"], generator=g)
    y = torch.randint(0, spec["classes"], (spec["batch"],), generator=g)
    return x, y


def read_tensor(path, dtype):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype)


class Server:
    def __init__(self):
        self.step = None
        self.batch = None

    def model(self, spec):
        t0 = time.perf_counter()
        model, scores = load_model(spec)
        self.step = make_step(model, scores)
        self.batch = random_batch(spec)
        t1 = time.perf_counter()
        self.step(*self.batch)
        t2 = time.perf_counter()
        return {"buildMs": (t1 - t0) * 1000, "firstStepMs": (t2 - t1) * 1000}

    def steps(self, spec):
        ms, cpu = [], []
        for _ in range(spec["n"]):
            c0, t0 = time.process_time(), time.perf_counter()
            self.step(*self.batch)
            ms.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return {"ms": ms, "cpuMs": cpu}

    def epoch(self, spec):
        c, h, w = spec["shape"]
        images = read_tensor(spec["images"], torch.float32).view(-1, c, h, w)
        labels = read_tensor(spec["labels"], torch.int32).long()
        order = read_tensor(spec["order"], torch.int32).long()
        test = read_tensor(spec["test"], torch.int32).long()
        model, scores = load_model(spec)
        step = make_step(model, scores)
        b = spec["batch"]
        loss_sum, correct, seen = 0.0, 0, 0
        t0 = time.perf_counter()
        for k in range(len(order) // b):
            idx = order[k * b : (k + 1) * b]
            loss, hits = step(images.index_select(0, idx), labels.index_select(0, idx))
            loss_sum += loss * b
            correct += hits
            seen += b
        t1 = time.perf_counter()
        model.eval()
        test_correct = 0
        with torch.no_grad():
            for k in range(0, len(test), spec["evalBatch"]):
                idx = test[k : k + spec["evalBatch"]]
                test_correct += (scores(images.index_select(0, idx)).argmax(1) == labels.index_select(0, idx)).sum().item()
        t2 = time.perf_counter()
        return {
            "trainMs": (t1 - t0) * 1000,
            "evalMs": (t2 - t1) * 1000,
            "samples": seen,
            "loss": loss_sum / seen,
            "accuracy": correct / seen,
            "testAccuracy": test_correct / max(1, len(test)),
        }


def serve():
    server = Server()
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)
    for line in sys.stdin:
        spec = json.loads(line)
        if spec["cmd"] == "quit":
            break
        reply = getattr(server, spec["cmd"])(spec)
        print(json.dumps(reply), flush=True)


def rss(spec):
    baseline = peak_rss_bytes()
    model, scores = load_model(spec)
    step = make_step(model, scores)
    # As the Trainer on a dataset of the same size: random images held in memory, 80/20 split,
    # one epoch of whole batches, then the test split in evaluation batches.
    n, b = spec["samples"], spec["batch"]
    g = torch.Generator().manual_seed(0)
    images = torch.rand(n, *spec["input"], generator=g)
    labels = torch.randint(0, spec["classes"], (n,), generator=g)
    n_test = round(n * 0.2)
    train = torch.randperm(n - n_test, generator=g)
    for k in range(len(train) // b):
        idx = train[k * b : (k + 1) * b]
        step(images.index_select(0, idx), labels.index_select(0, idx))
    model.eval()
    with torch.no_grad():
        for k in range(n - n_test, n, spec["evalBatch"]):
            scores(images[k : min(n, k + spec["evalBatch"])])
    print(json.dumps({"baselineMiB": baseline / 2**20, "peakMiB": peak_rss_bytes() / 2**20}), flush=True)


if __name__ == "__main__":
    torch.set_num_threads(int(sys.argv[2]))
    if sys.argv[1] == "serve":
        serve()
    elif sys.argv[1] == "rss":
        rss(json.loads(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {sys.argv[1]!r}: serve or rss")
