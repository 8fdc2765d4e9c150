"""PyTorch reference for clab's benchmarks (bench/cases.ts): same case ids, shapes and ops.

Run with Debian's PyTorch (1.13), one case per process so that ru_maxrss is that case's peak:
    /usr/bin/python3 bench/reference.py CASE_ID --threads N --warmup W --reps R [--n SIZE]
Prints one JSON line with the same fields as dist/bench/one.js. bench/run.ts calls it.
"""

import argparse
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

TAU = 0.3
KAPPA = 1 / TAU
PAPER_BATCH = 2000
LR = 1e-4
D_INFONCE = 128


def sample_vmf(mu, kappa):
    """Wood's algorithm (1994) in plain torch ops, the textbook way, vectorised with rejection.

    One sample of vMF(mu_i, kappa) per row of mu [n, k]; computed in float64 like clab.
    """
    mu = mu.double()
    n, k = mu.shape
    b = (k - 1) / (2 * kappa + math.sqrt(4 * kappa * kappa + (k - 1) ** 2))
    x0 = (1 - b) / (1 + b)
    c = kappa * x0 + (k - 1) * math.log(1 - x0 * x0)
    a = torch.tensor((k - 1) / 2, dtype=torch.float64)
    beta = torch.distributions.Beta(a, a)
    accepted = []
    have = 0
    while have < n:
        pending = n - have
        z = beta.sample((pending,))
        w = (1 - (1 + b) * z) / (1 - (1 - b) * z)
        u = torch.rand(pending, dtype=torch.float64)
        ok = kappa * w + (k - 1) * torch.log(1 - x0 * w) - c >= torch.log(u)
        got = w[ok]
        accepted.append(got)
        have += got.numel()
    w = torch.cat(accepted)[:n].unsqueeze(1)
    g = torch.randn(n, k, dtype=torch.float64)
    v = F.normalize(g - (g * mu).sum(1, keepdim=True) * mu, dim=1)
    return (w * mu + torch.sqrt(1 - w * w) * v).float()


def infonce(anchors, positives, negatives, tau):
    """clab's infoNCE with shared negatives [M, d]: mean of logsumexp([s+, s-]) - s+."""
    pos = (anchors * positives).sum(1) / tau
    neg = anchors @ negatives.T / tau
    lse = torch.cat([pos.unsqueeze(1), neg], 1).logsumexp(1)
    return (lse - pos).mean()


def mlp_encoder(in_dim=3, hidden=(128, 256, 256, 256, 128), out_dim=3):
    layers = []
    width = in_dim
    for h in hidden:
        # Linear -> ReLU -> BatchNorm: clab's MlpEncoder order 'act-norm' (the CLTheory reference).
        layers += [nn.Linear(width, h), nn.ReLU(), nn.BatchNorm1d(h)]
        width = h
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


def uniform_sphere(n, dim):
    return F.normalize(torch.randn(n, dim), dim=1)


def paper_a_step():
    net = mlp_encoder()
    opt = torch.optim.Adam(net.parameters(), lr=LR)

    def step():
        z = uniform_sphere(PAPER_BATCH, 3)
        x = torch.cat([z, sample_vmf(z, KAPPA), uniform_sphere(PAPER_BATCH, 3)])
        a, p, n = F.normalize(net(x), dim=1).split(PAPER_BATCH)
        loss = infonce(a, p, n, TAU)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    return step


def infonce_fwd_bwd(b):
    def setup():
        u = F.normalize(torch.randn(b, D_INFONCE), dim=1).requires_grad_()
        v = F.normalize(torch.randn(b, D_INFONCE), dim=1).requires_grad_()

        def step():
            loss = infonce(u, v, v, TAU)  # shared negatives = the other view
            torch.autograd.grad(loss, [u, v])
            loss.item()

        return step

    return setup


def mlp_fwd_bwd():
    net = mlp_encoder()
    x = torch.randn(3 * PAPER_BATCH, 3)
    g_out = torch.randn(3 * PAPER_BATCH, 3)

    def step():
        net.zero_grad()
        F.normalize(net(x), dim=1).backward(g_out)

    return step


VMF_SAMPLES = 1_000_000


def vmf_sample(k):
    def setup(n=None):
        mu = F.normalize(torch.randn(n or VMF_SAMPLES, k), dim=1)
        return lambda: sample_vmf(mu, KAPPA)

    return setup


CASES = {
    "paperA-step": paper_a_step,
    "infonce-fwd-bwd/B=512": infonce_fwd_bwd(512),
    "infonce-fwd-bwd/B=4096": infonce_fwd_bwd(4096),
    "infonce-fwd-bwd/B=16384": infonce_fwd_bwd(16384),
    "mlp-fwd-bwd": mlp_fwd_bwd,
    "vmf-sample/k=3": vmf_sample(3),
    "vmf-sample/k=64": vmf_sample(64),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--n", type=int, default=None, help="problem size override (vmf-sample: samples)")
    args = parser.parse_args()
    if args.case not in CASES:
        print(f"reference.py: unknown case {args.case}; known: {', '.join(CASES)}", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    step = CASES[args.case](args.n) if args.n is not None else CASES[args.case]()
    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "id": args.case,
                "impl": "pytorch",
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "warmup": args.warmup,
                "reps": args.reps,
                "n": args.n,
                "times": times,
                "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "baselineRssKb": baseline,
            }
        )
    )


if __name__ == "__main__":
    main()
