"""The PyTorch peer with both networks compiled by `torch.compile`.

Runs `../shared/bench/peer_torch_gan.py` unchanged, except that every
`torch.nn.Sequential` it builds (its generator and discriminator) is wrapped
in `torch.compile` (inductor, PyTorch's default backend); its warm-up steps
absorb the compilation. `PEER_AUTOCAST=bf16` still applies.

    python benchmarks/peer_compiled.py ../shared/bench/peer_torch_gan.py dcgan 128 200
"""

import runpy
import sys

import torch

_Sequential = torch.nn.Sequential


class _CompiledSequential(_Sequential):
    """`nn.Sequential` that compiles itself (`nn.Module.compile`, in place)."""

    def __init__(self, *modules):
        super().__init__(*modules)
        self.compile()


if __name__ == "__main__":
    script = sys.argv.pop(1)
    torch.nn.Sequential = _CompiledSequential
    runpy.run_path(script, run_name="__main__")
