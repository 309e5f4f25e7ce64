#!/usr/bin/python3
"""Golden reference for open_clip's `roberta-ViT-B-32`, written as test fixtures for the Java model.

Run from anywhere, with Debian's Python (it has torch; the first `python3` on PATH does not):

    /usr/bin/python3 model/src/test/python/make_model_golden.py

It is deterministic (fixed seed, float64 reference): running it again rewrites identical files.

What it does:
1. Re-implements the model in plain PyTorch, with the state-dict keys open_clip uses (docs/model.md):
   open_clip's VisionTransformer (nn.MultiheadAttention with packed in_proj, QuickGELU, pre-LN, class token,
   ln_post on token 0, `@ proj`) and Hugging Face RoBERTa (post-LN, exact GELU, position ids
   cumsum(mask)*mask + 1) with open_clip's MeanPooler and MLP projection.
2. Checks the real config on the meta device (no memory): 352 float tensors, 212,723,457 parameters.
3. Builds a tiny config with random weights and writes into model/src/test/resources/:
   - tiny-model/open_clip_pytorch_model.bin (torch.save zip, prefix `archive/`, like the real file),
     tiny-model/open_clip_config.json, tiny-model/config.json;
   - tiny-model/golden/: inputs, float64 reference outputs rounded to float32, intermediates, golden.json;
   - checkpoints/: format variants for the checkpoint reader (other zip prefix, {"state_dict": {"module."...}},
     non-contiguous views sharing storages, safetensors F32/F16/BF16, pickles naming forbidden globals,
     and the F16/BF16 rounding of a few tensors as raw float32 for comparison).
"""
import io
import json
import math
import re
import struct
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
TINY_DIR = RESOURCES / "tiny-model"
GOLDEN_DIR = TINY_DIR / "golden"
CHECKPOINTS_DIR = RESOURCES / "checkpoints"

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
SEED = 20240607


# ---------------------------------------------------------------------------------------------- configs

@dataclass(frozen=True)
class VisionCfg:
    image_size: int
    patch_size: int
    width: int
    layers: int
    head_width: int = 64


@dataclass(frozen=True)
class TextCfg:  # the fields of Hugging Face's RoBERTa config.json that matter
    vocab_size: int
    max_position_embeddings: int
    type_vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    layer_norm_eps: float = 1e-5
    pad_token_id: int = 1


@dataclass(frozen=True)
class ClipCfg:
    embed_dim: int
    vision: VisionCfg
    text: TextCfg


REAL = ClipCfg(512, VisionCfg(224, 32, 768, 12), TextCfg(50265, 514, 1, 768, 12, 12, 3072))
TINY = ClipCfg(32, VisionCfg(64, 16, 128, 2), TextCfg(1000, 80, 1, 64, 2, 4, 128))


# ---------------------------------------------------------------------------------------------- image tower

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """open_clip's pre-LN block: x += attn(ln_1(x)); x += mlp(ln_2(x))."""

    def __init__(self, width, heads, device):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width, eps=1e-5, device=device)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True, device=device)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5, device=device)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, 4 * width, device=device)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(4 * width, width, device=device)),
        ]))

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, device):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads, device) for _ in range(layers)])


class VisionTransformer(nn.Module):
    def __init__(self, cfg: VisionCfg, embed_dim, device):
        super().__init__()
        grid = cfg.image_size // cfg.patch_size
        self.conv1 = nn.Conv2d(3, cfg.width, cfg.patch_size, cfg.patch_size, bias=False, device=device)
        self.class_embedding = nn.Parameter(torch.empty(cfg.width, device=device))
        self.positional_embedding = nn.Parameter(torch.empty(grid * grid + 1, cfg.width, device=device))
        self.ln_pre = nn.LayerNorm(cfg.width, eps=1e-5, device=device)
        self.transformer = Transformer(cfg.width, cfg.layers, cfg.width // cfg.head_width, device)
        self.ln_post = nn.LayerNorm(cfg.width, eps=1e-5, device=device)
        self.proj = nn.Parameter(torch.empty(cfg.width, embed_dim, device=device))  # in x out

    def pooled(self, images):
        """ln_post of the class token: [B, width]."""
        x = self.conv1(images)                                   # [B, W, g, g]
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)  # [B, g*g, W], patch = row*g + col
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for block in self.transformer.resblocks:
            x = block(x)
        return self.ln_post(x[:, 0])

    def forward(self, images):
        return self.pooled(images) @ self.proj


# ---------------------------------------------------------------------------------------------- text tower

class RobertaEmbeddings(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, device=device)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size, device=device)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size, device=device)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps, device=device)
        # int64 buffer that older transformers versions save in the state dict; unused by the model.
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings, device=device).expand((1, -1)))
        self.pad = c.pad_token_id

    def forward(self, ids):
        mask = ids.ne(self.pad).long()
        positions = torch.cumsum(mask, dim=1) * mask + self.pad  # real tokens 2..L+1, pads 1
        x = self.word_embeddings(ids) + self.position_embeddings(positions) \
            + self.token_type_embeddings(torch.zeros_like(ids))
        return self.LayerNorm(x)


class RobertaSelfAttention(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size, device=device)
        self.key = nn.Linear(c.hidden_size, c.hidden_size, device=device)
        self.value = nn.Linear(c.hidden_size, c.hidden_size, device=device)

    def forward(self, x, additive_mask):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)  # [B, H, T, hd]
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + additive_mask
        return (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)


class RobertaSelfOutput(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size, device=device)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps, device=device)


class RobertaAttention(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.self = RobertaSelfAttention(c, device)
        self.output = RobertaSelfOutput(c, device)


class RobertaIntermediate(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size, device=device)


class RobertaOutput(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size, device=device)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps, device=device)


class RobertaLayer(nn.Module):
    """Post-LN: h = LN(dense(attn(x)) + x); x = LN(out(gelu(inter(h))) + h)."""

    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.attention = RobertaAttention(c, device)
        self.intermediate = RobertaIntermediate(c, device)
        self.output = RobertaOutput(c, device)

    def forward(self, x, additive_mask):
        a = self.attention
        h = a.output.LayerNorm(a.output.dense(a.self(x, additive_mask)) + x)
        y = self.output.dense(F.gelu(self.intermediate.dense(h)))  # exact erf GELU ("gelu" in HF)
        return self.output.LayerNorm(y + h)


class RobertaEncoder(nn.Module):
    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.layer = nn.ModuleList([RobertaLayer(c, device) for _ in range(c.num_hidden_layers)])


class RobertaModel(nn.Module):
    """Hugging Face RobertaModel with add_pooling_layer=False."""

    def __init__(self, c: TextCfg, device):
        super().__init__()
        self.embeddings = RobertaEmbeddings(c, device)
        self.encoder = RobertaEncoder(c, device)
        self.pad = c.pad_token_id

    def forward(self, ids):
        mask = ids.ne(self.pad)
        x = self.embeddings(ids)
        dtype = x.dtype
        additive = (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min  # HF's extended mask
        for layer in self.encoder.layer:
            x = layer(x, additive)
        return x  # last_hidden_state


class HFTextEncoder(nn.Module):
    """open_clip's HFTextEncoder: RoBERTa, MeanPooler, MLP projection without biases."""

    def __init__(self, c: TextCfg, embed_dim, device):
        super().__init__()
        self.transformer = RobertaModel(c, device)
        hidden = (c.hidden_size + embed_dim) // 2
        self.proj = nn.Sequential(
            nn.Linear(c.hidden_size, hidden, bias=False, device=device),
            nn.GELU(),
            nn.Linear(hidden, embed_dim, bias=False, device=device),
        )
        self.pad = c.pad_token_id

    def forward(self, ids):
        mask = ids.ne(self.pad).to(self.proj[0].weight.dtype)
        last = self.transformer(ids)
        pooled = (last * mask.unsqueeze(-1)).sum(1) / mask.sum(-1, keepdim=True)  # open_clip MeanPooler
        return self.proj(pooled)


class CustomTextCLIP(nn.Module):
    def __init__(self, cfg: ClipCfg, device=None):
        super().__init__()
        self.visual = VisionTransformer(cfg.vision, cfg.embed_dim, device)
        self.text = HFTextEncoder(cfg.text, cfg.embed_dim, device)
        self.logit_scale = nn.Parameter(torch.empty((), device=device))

    def encode_image(self, images):
        return self.visual(images)

    def encode_text(self, ids):
        return self.text(ids)


# ---------------------------------------------------------------------------------------------- weights

def randomize(model: nn.Module, gen: torch.Generator):
    """Random weights with realistic activations.

    Matrices get std 1/sqrt(fan_in) (0.036 at the real width 768, i.e. like CLIP's 0.02, but keeping attention
    scores of order 1 at tiny widths so a wrong head split or mask shows); LayerNorm weights 1 + 0.1 randn;
    biases 0.02 randn; token/position embeddings 0.02 randn (small variance, so LayerNorm's eps matters)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            randn = lambda: torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if name == "logit_scale":
                p.fill_(math.log(100.0))
            elif ("LayerNorm" in name or ".ln_" in name) and name.endswith("weight"):
                p.copy_(1 + 0.1 * randn())
            elif name.endswith("bias"):
                p.copy_(0.02 * randn())
            elif "embeddings." in name:
                p.copy_(0.02 * randn())
            elif name in ("visual.class_embedding", "visual.positional_embedding"):
                p.copy_(randn() * p.shape[-1] ** -0.5)  # open_clip's scale
            elif name == "visual.proj":
                p.copy_(randn() / math.sqrt(p.shape[0]))  # stored in x out
            else:
                p.copy_(randn() / math.sqrt(p[0].numel()))  # out x in (conv: out x in x k x k)


# ---------------------------------------------------------------------------------------------- writers

def write_f32(path: Path, t: torch.Tensor):
    path.write_bytes(t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def tensor_bytes(t: torch.Tensor, dtype: str) -> bytes:
    if t.dtype == torch.int64:
        return t.contiguous().numpy().astype("<i8").tobytes()
    t = t.detach().to(SAFETENSORS_DTYPES[dtype]).contiguous()
    if dtype == "BF16":
        return t.view(torch.int16).numpy().astype("<i2").tobytes()  # numpy has no bfloat16
    return t.numpy().astype("<f4" if dtype == "F32" else "<f2").tobytes()


def write_safetensors(path: Path, tensors: dict, dtype: str):
    """The safetensors format by hand (the package is not installed): u64 LE header size, JSON header, data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for key, t in tensors.items():
        data = tensor_bytes(t, dtype)
        header[key] = {"dtype": "I64" if t.dtype == torch.int64 else dtype,
                       "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # the reference writer pads the header to 8 bytes
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def save_zip_archive(obj, path: Path):
    """torch.save into a buffer, so the zip prefix is `archive/` as in the real downloaded file."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    path.write_bytes(buf.getvalue())


def write_forbidden_pickles():
    """Zips shaped like a torch checkpoint whose data.pkl calls a forbidden global. Written byte by byte:
    nothing here is ever unpickled."""
    cases = {
        # protocol 2: GLOBAL 'os system', ('echo pwned',), REDUCE
        "forbidden_global.bin": b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.",
        # protocol 4: STACK_GLOBAL builtins.eval
        "forbidden_stack_global.bin": b"\x80\x04\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94\x8c\x031+1\x94"
                                      b"\x85\x94R\x94.",
        # torch's legacy storage path, which would call torch.load on embedded bytes
        "forbidden_load_from_bytes.bin": b"\x80\x03ctorch.storage\n_load_from_bytes\nq\x00C\x03abcq\x01\x85q\x02Rq\x03.",
    }
    for name, pkl in cases.items():
        stem = name[:-4]
        with zipfile.ZipFile(CHECKPOINTS_DIR / name, "w", zipfile.ZIP_STORED) as z:
            for entry, data in ((f"{stem}/data.pkl", pkl), (f"{stem}/version", b"3\n")):
                z.writestr(zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0)), data)  # reproducible


def non_contiguous_variant(sd: dict) -> OrderedDict:
    """The same values, stored as views: column slices of one shared storage (offset + stride), a transposed
    view, a strided view and row slices with an offset. torch.save keeps views and shared storages."""
    out = OrderedDict()
    l0 = "text.transformer.encoder.layer.0.attention.self."
    qkv = torch.cat([sd[l0 + "query.weight"], sd[l0 + "key.weight"], sd[l0 + "value.weight"]], dim=1)  # [64, 192]
    qkv_bias = torch.cat([sd[l0 + "query.bias"], sd[l0 + "key.bias"], sd[l0 + "value.bias"]])
    h = sd[l0 + "query.weight"].shape[1]
    for i, name in enumerate(["query", "key", "value"]):
        out[l0 + name + ".weight"] = qkv[:, i * h:(i + 1) * h]  # non-contiguous, offset i*h
        out[l0 + name + ".bias"] = qkv_bias[i * h:(i + 1) * h]  # contiguous, offset i*h
    out["visual.proj"] = sd["visual.proj"].t().contiguous().t()  # transposed view, strides (1, in)
    doubled = torch.zeros(2 * sd["text.proj.0.weight"].numel())
    doubled[::2] = sd["text.proj.0.weight"].reshape(-1)
    out["text.proj.0.weight"] = doubled[::2].view(sd["text.proj.0.weight"].shape)  # stride 2 in the last dim
    big = torch.cat([torch.full((3, sd["visual.conv1.weight"].shape[1]), 7.0).reshape(-1)[:5],
                     sd["visual.conv1.weight"].reshape(-1)])
    out["visual.conv1.weight"] = big[5:].view(sd["visual.conv1.weight"].shape)  # offset 5 into a larger storage
    out["logit_scale"] = sd["logit_scale"]
    out["text.transformer.embeddings.position_ids"] = sd["text.transformer.embeddings.position_ids"]
    for k, v in out.items():
        assert torch.equal(v, sd[k]), k
    assert not out[l0 + "key.weight"].is_contiguous() and not out["visual.proj"].is_contiguous()
    return out


def text_tower_subset(sd: dict) -> OrderedDict:
    return OrderedDict((k, v) for k, v in sd.items() if k.startswith("text.") or k == "logit_scale")


# ---------------------------------------------------------------------------------------------- main

def expected_key_count(cfg: ClipCfg):
    """visual: 8 + 12 per block; text: 5 embeddings + 16 per layer + 2 proj; logit_scale."""
    return 8 + 12 * cfg.vision.layers + 5 + 16 * cfg.text.num_hidden_layers + 2 + 1


def check_real_config():
    model = CustomTextCLIP(REAL, device="meta")
    sd = model.state_dict()
    floats = {k: v for k, v in sd.items() if v.dtype != torch.int64}
    assert len(floats) == 352 == expected_key_count(REAL), len(floats)
    assert sum(p.numel() for p in model.parameters()) == 212_723_457
    expect = {"visual.proj": (768, 512), "visual.conv1.weight": (768, 3, 32, 32),
              "visual.positional_embedding": (50, 768),
              "visual.transformer.resblocks.11.attn.in_proj_weight": (2304, 768),
              "text.proj.0.weight": (640, 768), "text.proj.2.weight": (512, 640), "logit_scale": (),
              "text.transformer.embeddings.position_ids": (1, 514)}
    for k, shape in expect.items():
        assert tuple(sd[k].shape) == shape, (k, sd[k].shape)
    return sorted(floats)


def text_rows(gen, vocab, context=77):
    rows, lengths = [], [3, 77, 12, 30]  # one of 3 tokens (<s> x </s>), one full
    for n in lengths:
        body = torch.randint(4, vocab, (n - 2,), generator=gen).tolist()
        rows.append([0] + body + [2] + [1] * (context - n))
    return rows, lengths


def main():
    real_keys = check_real_config()
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    model = CustomTextCLIP(TINY).eval()
    randomize(model, gen)
    sd = model.state_dict()
    tiny_keys = sorted(k for k, v in sd.items() if v.dtype != torch.int64)
    assert len(tiny_keys) == expected_key_count(TINY)
    assert set(tiny_keys) == {k for k in real_keys if not re.search(r"(resblocks|layer)\.([2-9]|1[01])\.", k)}

    for d in (TINY_DIR, GOLDEN_DIR, CHECKPOINTS_DIR):
        d.mkdir(parents=True, exist_ok=True)

    # ---- the tiny model, as a user would download it
    save_zip_archive(sd, TINY_DIR / "open_clip_pytorch_model.bin")
    v, t = TINY.vision, TINY.text
    (TINY_DIR / "open_clip_config.json").write_text(json.dumps({
        "model_cfg": {"embed_dim": TINY.embed_dim, "quick_gelu": True,
                      "vision_cfg": {"image_size": v.image_size, "layers": v.layers, "width": v.width,
                                     "patch_size": v.patch_size, "head_width": v.head_width},
                      "text_cfg": {"hf_model_name": "roberta-base", "hf_tokenizer_name": "roberta-base",
                                   "hf_pooler_type": "mean_pooler", "hf_proj_type": "mlp", "context_length": 77}},
        "preprocess_cfg": {"mean": OPENAI_MEAN, "std": OPENAI_STD, "interpolation": "bicubic",
                           "resize_mode": "shortest"}}, indent=2) + "\n")
    (TINY_DIR / "config.json").write_text(json.dumps({
        "architectures": ["RobertaForMaskedLM"], "model_type": "roberta",
        "vocab_size": t.vocab_size, "max_position_embeddings": t.max_position_embeddings,
        "type_vocab_size": t.type_vocab_size, "hidden_size": t.hidden_size,
        "num_hidden_layers": t.num_hidden_layers, "num_attention_heads": t.num_attention_heads,
        "intermediate_size": t.intermediate_size, "hidden_act": "gelu", "layer_norm_eps": t.layer_norm_eps,
        "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02}, indent=2) + "\n")

    # ---- golden outputs: float64 reference, rounded to float32
    images = ((torch.rand(3, 3, v.image_size, v.image_size, generator=gen) - torch.tensor(OPENAI_MEAN)[:, None, None])
              / torch.tensor(OPENAI_STD)[:, None, None]).to(torch.float32)
    rows, lengths = text_rows(gen, t.vocab_size)
    ids = torch.tensor(rows, dtype=torch.int64)
    ref = CustomTextCLIP(TINY).eval()
    ref.load_state_dict(sd)
    ref = ref.double()
    with torch.no_grad():
        img64 = images.double()
        pooled = ref.visual.pooled(img64)
        image_emb = ref.encode_image(img64)
        hidden = ref.text.transformer(ids)
        text_emb = ref.encode_text(ids)
        # the float32 model agrees with the float64 reference to float32 accuracy
        f32 = CustomTextCLIP(TINY).eval()
        f32.load_state_dict(sd)
        rel = lambda a, b: ((a.double() - b).norm() / b.norm()).item()
        assert rel(f32.encode_image(images), image_emb) < 1e-5
        assert rel(f32.encode_text(ids), text_emb) < 1e-5
        # pads change nothing: the 3-token row run unpadded gives the same embedding
        assert rel(ref.encode_text(ids[:1, :3]), text_emb[:1]) < 1e-12
        # cross-check nn.MultiheadAttention's packed q/k/v against a hand-written attention
        block = ref.visual.transformer.resblocks[0]
        x = torch.randn(2, 5, v.width, generator=gen, dtype=torch.float64)
        w, b = block.attn.in_proj_weight, block.attn.in_proj_bias
        q, k, vv = (x @ w.T + b).split(v.width, dim=-1)
        hs = lambda y: y.view(2, 5, -1, v.head_width).transpose(1, 2)
        att = ((hs(q) @ hs(k).transpose(-1, -2)) / math.sqrt(v.head_width)).softmax(-1) @ hs(vv)
        mine = att.transpose(1, 2).reshape(2, 5, v.width) @ block.attn.out_proj.weight.T + block.attn.out_proj.bias
        assert rel(block.attn(x, x, x, need_weights=False)[0], mine) < 1e-12

    write_f32(GOLDEN_DIR / "images.f32", images)
    write_f32(GOLDEN_DIR / "image_embeddings.f32", image_emb)
    write_f32(GOLDEN_DIR / "image_pooled.f32", pooled)
    write_f32(GOLDEN_DIR / "text_embeddings.f32", text_emb)
    write_f32(GOLDEN_DIR / "text_last_hidden_state.f32", hidden)
    (GOLDEN_DIR / "text_ids.json").write_text(json.dumps({"lengths": lengths, "ids": rows}) + "\n")
    files = {
        "images.f32": ("input: preprocessed images, NCHW", images.shape),
        "image_embeddings.f32": ("encode_image output, not normalised", image_emb.shape),
        "image_pooled.f32": ("intermediate: vision tower class token after ln_post, before @ proj", pooled.shape),
        "text_embeddings.f32": ("encode_text output (mean pooler + MLP proj), not normalised", text_emb.shape),
        "text_last_hidden_state.f32": ("intermediate: RoBERTa last hidden state incl. pad positions", hidden.shape),
    }
    (GOLDEN_DIR / "golden.json").write_text(json.dumps({
        "about": "Golden outputs of the tiny roberta-ViT-B-32 in tiny-model/, made by "
                 "model/src/test/python/make_model_golden.py. Each .f32 file is raw float32 little-endian, row-major. "
                 "Outputs were computed in float64 (model.double() on the float32 weights and inputs) and then "
                 "rounded to float32.",
        "seed": SEED,
        "reference_dtype": "float64",
        "stored_dtype": "float32",
        "text_ids": {"file": "text_ids.json", "context_length": 77, "pad_id": 1, "lengths": lengths},
        "files": {name: {"description": d, "shape": list(s)} for name, (d, s) in files.items()},
    }, indent=2) + "\n")

    # ---- checkpoint-format variants
    torch.save(text_tower_subset(sd), CHECKPOINTS_DIR / "other_stem.pt")  # saved by path: zip prefix `other_stem/`
    save_zip_archive({"state_dict": OrderedDict(("module." + k, v) for k, v in text_tower_subset(sd).items())},
                     CHECKPOINTS_DIR / "wrapped_module.bin")
    save_zip_archive(non_contiguous_variant(sd), CHECKPOINTS_DIR / "non_contiguous.bin")
    write_safetensors(CHECKPOINTS_DIR / "open_clip_model.safetensors", sd, "F32")
    write_safetensors(CHECKPOINTS_DIR / "open_clip_model_f16.safetensors", sd, "F16")
    write_safetensors(CHECKPOINTS_DIR / "open_clip_model_bf16.safetensors", sd, "BF16")
    rounded_keys = ["visual.proj", "text.proj.0.weight", "visual.ln_pre.weight", "logit_scale"]
    rounded = {}
    for dtype in ("F16", "BF16"):
        flat = torch.cat([sd[k].to(SAFETENSORS_DTYPES[dtype]).to(torch.float32).reshape(-1) for k in rounded_keys])
        write_f32(CHECKPOINTS_DIR / f"rounded_{dtype.lower()}.f32", flat)
        rounded[dtype] = f"rounded_{dtype.lower()}.f32"
    write_forbidden_pickles()
    (CHECKPOINTS_DIR / "checkpoints.json").write_text(json.dumps({
        "about": "Checkpoint-format fixtures made by make_model_golden.py from tiny-model/open_clip_pytorch_model.bin "
                 "(the reference values).",
        "other_stem.pt": "text tower + logit_scale, torch.save by path: zip prefix 'other_stem'",
        "wrapped_module.bin": "text tower + logit_scale as {'state_dict': {'module.' + key: tensor}}",
        "non_contiguous.bin": "a few tensors stored as views: column slices of one shared storage, a transposed "
                              "view, a stride-2 view, an offset into a larger storage",
        "open_clip_model.safetensors": "the whole tiny model, F32 (+ I64 position_ids)",
        "open_clip_model_f16.safetensors": "the whole tiny model, F16",
        "open_clip_model_bf16.safetensors": "the whole tiny model, BF16 (round to nearest even)",
        "rounded": {"keys": rounded_keys, "files": rounded,
                    "note": "the listed tensors rounded by torch to F16/BF16 and back, flattened and concatenated, "
                            "raw float32 LE"},
        "forbidden": ["forbidden_global.bin (os.system via GLOBAL)", "forbidden_stack_global.bin (builtins.eval via "
                      "STACK_GLOBAL)", "forbidden_load_from_bytes.bin (torch.storage._load_from_bytes)"],
    }, indent=2) + "\n")
    print(f"{len(real_keys)} keys in the real config; tiny model: {len(tiny_keys)} keys, "
          f"{sum(p.numel() for p in model.parameters())} parameters")
    print("image_embeddings[0,:4]", image_emb[0, :4].tolist(), "text_embeddings[0,:4]", text_emb[0, :4].tolist())


if __name__ == "__main__":
    main()
