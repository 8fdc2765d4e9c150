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
        opt.zero_grad(set_to_none=True)  # clab's zeroGrad drops the gradients
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
        net.zero_grad(set_to_none=True)
        F.normalize(net(x), dim=1).backward(g_out)

    return step


def gemm_f32(m, k, n):
    def setup():
        a = torch.randn(m, k)
        b = torch.randn(k, n)

        def step():
            a @ b

        return step

    return setup


VMF_SAMPLES = 1_000_000


def vmf_sample(k):
    def setup(n=None):
        mu = F.normalize(torch.randn(n or VMF_SAMPLES, k), dim=1)
        return lambda: sample_vmf(mu, KAPPA)

    return setup


# SimCLR on CIFAR-10 (Paper A's image setting): two views of B images, NT-Xent tau = 0.5, Adam 3e-4.
SIMCLR_BATCH = 128
SIMCLR_TAU = 0.5
SIMCLR_LR = 3e-4
RESNET18_PARAMS = 11_168_832  # clab's resnet18Parameters(RESNET18_PAPER): the bare backbone


class BasicBlock(nn.Module):
    """torchvision's BasicBlock, as clab's: conv3x3(stride)-BN-ReLU-conv3x3-BN + shortcut, ReLU."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet18Cifar(nn.Module):
    """clab's ResNet18Encoder(RESNET18_PAPER), layer by layer: conv3x3 stride-1 stem (no bias) - BN -
    ReLU, no max-pool; layer1-4 of two BasicBlocks, widths 64*[1, 2, 4, 8], stride 2 at layers 2-4;
    mean over H, W; fc = identity (embedDim 512 = 8*width); L2 normalisation. PyTorch's default
    module initialisation, as clab's (no torchvision Kaiming re-init)."""

    def __init__(self, in_channels=3, width=64):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        layers = []
        in_planes = width
        for i, mult in enumerate([1, 2, 4, 8]):
            planes = width * mult
            stride = 1 if i == 0 else 2
            layers.append(nn.Sequential(BasicBlock(in_planes, planes, stride), BasicBlock(planes, planes, 1)))
            in_planes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.layer4(self.layer3(self.layer2(self.layer1(h))))
        return F.normalize(h.mean((2, 3)), dim=1)


def nt_xent(u, v, tau):
    """clab's ntXent, op for op: cat, z z^T / tau, diagonal masked to -inf, partner gather,
    logsumexp; the loss is the mean of lse - pos (the two parts clab also returns are computed too)."""
    b = u.shape[0]
    z = torch.cat([u, v], 0)
    eye = torch.arange(2 * b)
    sim = (z @ z.T) / tau
    masked = sim.masked_fill(eye.unsqueeze(1) == eye.unsqueeze(0), -math.inf)
    partner = (eye + b).remainder(2 * b)
    pos = sim.gather(1, partner.unsqueeze(1)).squeeze(1)
    lse = masked.logsumexp(1)
    per_anchor = lse - pos
    _parts = (pos.mean().neg(), lse.mean())  # alignment, uniformity
    return per_anchor.mean()


def resnet18_cifar_step(b=SIMCLR_BATCH):
    net = ResNet18Cifar()
    n_params = sum(p.numel() for p in net.parameters())
    assert n_params == RESNET18_PARAMS, f"resnet18-cifar-step: {n_params} parameters, clab has {RESNET18_PARAMS}"
    opt = torch.optim.Adam(net.parameters(), lr=SIMCLR_LR)  # 1.13 on CPU: single-tensor, as clab
    x = torch.randn(2 * b, 3, 32, 32)  # two "views" of b images, fixed, no augmentation in the step

    def step():
        u, v = net(x).split(b)
        loss = nt_xent(u, v, SIMCLR_TAU)
        opt.zero_grad(set_to_none=True)  # clab's zeroGrad drops the gradients
        loss.backward()
        opt.step()
        loss.item()

    return step


CASES = {
    "paperA-step": paper_a_step,
    "infonce-fwd-bwd/B=512": infonce_fwd_bwd(512),
    "infonce-fwd-bwd/B=4096": infonce_fwd_bwd(4096),
    "infonce-fwd-bwd/B=16384": infonce_fwd_bwd(16384),
    "mlp-fwd-bwd": mlp_fwd_bwd,
    "gemm-f32/6000x256x256": gemm_f32(6000, 256, 256),
    "gemm-f32/4096x128x4096": gemm_f32(4096, 128, 4096),
    "vmf-sample/k=3": vmf_sample(3),
    "vmf-sample/k=64": vmf_sample(64),
    "resnet18-cifar-step": resnet18_cifar_step,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--n", type=int, default=None, help="problem size override (vmf-sample: samples; resnet18-cifar-step: B)")
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
