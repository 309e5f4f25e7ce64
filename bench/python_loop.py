#!/usr/bin/python3
"""The plain Python consumer loop issue #14 compares clipstream against; `clipstream-bench compare` runs it.

A confluent-kafka group consumer (read_committed, manual commits) takes up to 8 messages or 50 ms, decodes each
registry-framed Avro ImageEvent (inline bytes), preprocesses like open_clip (PIL bicubic resize of the shortest
side, centre crop, to tensor, OpenAI mean/std), runs the image tower in PyTorch (bench/pytorch_vit.py's model from
make_model_golden.py, weights from the model folder's safetensors), scores 100·cos + softmax + top k against the
label embeddings clipstream wrote to the label-embeddings topic, and writes one Avro Classification per image in
one transaction per batch that also carries the input offsets. Debian's confluent-kafka 1.7 has no fastavro, so the
5-byte wire framing (magic 0, big-endian schema id) is done here with python3-avro. Last stdout line: JSON.
"""
import argparse, io, json, os, resource, struct, sys, time, urllib.request
from datetime import datetime, timezone
from pathlib import Path

import avro.io, avro.schema, torch
from confluent_kafka import Consumer, Producer, TopicPartition
from PIL import Image
from torchvision import transforms

from pytorch_vit import openblas_core, reference_module

CLASSIFICATION = Path(__file__).resolve().parents[1] / "schemas/src/main/avro/Classification.avsc"
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
for name, default in [("--bootstrap", None), ("--registry", None), ("--model", None), ("--input", None),
                      ("--output", None), ("--label-embeddings", "label-embeddings"), ("--label-set", "bench"),
                      ("--group", "python-loop"), ("--transactional-id", "python-loop-tx")]:
    p.add_argument(name, default=default, required=default is None)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--wait-ms", type=int, default=50)
p.add_argument("--max-images", type=int, default=0, help="exit after this many images (0: only when idle)")
p.add_argument("--warmup", type=int, default=0, help="the first images, left out of the timing")
p.add_argument("--idle-seconds", type=float, default=120)
p.add_argument("--ready-file", help="created once the model, labels and clients are ready")
p.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())))
args = p.parse_args()
torch.set_num_threads(args.threads)
log = lambda msg: print(f"python-loop: {msg}", file=sys.stderr, flush=True)

schemas = {}
def writer_schema(schema_id):
    if schema_id not in schemas:
        with urllib.request.urlopen(f"{args.registry}/schemas/ids/{schema_id}") as r:
            schemas[schema_id] = avro.schema.parse(json.load(r)["schema"])
    return schemas[schema_id]

def decode(value):
    magic, schema_id = struct.unpack(">bI", value[:5])
    assert magic == 0, "not registry-framed Avro"
    return avro.io.DatumReader(writer_schema(schema_id)).read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))

# The image tower from the same checkpoint file the Java side loads (safetensors: u64 header size, JSON header, data).
model_dir = Path(args.model)
cfg = json.loads((model_dir / "open_clip_config.json").read_text())
vcfg, pre = cfg["model_cfg"]["vision_cfg"], cfg.get("preprocess_cfg", {})
ref = reference_module()
vit = ref.VisionTransformer(ref.VisionCfg(vcfg["image_size"], vcfg["patch_size"], vcfg["width"], vcfg["layers"],
                                          vcfg.get("head_width", 64)), cfg["model_cfg"]["embed_dim"], "cpu").eval()
def weights():
    if not (model_dir / "open_clip_model.safetensors").exists():  # the downloaded torch.save file
        return torch.load(model_dir / "open_clip_pytorch_model.bin", map_location="cpu")
    with open(model_dir / "open_clip_model.safetensors", "rb") as f:  # only the image tower's tensors
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
        base, tensors = f.tell(), {}
        for k, v in header.items():
            if k.startswith("visual.") and v["dtype"] == "F32":
                f.seek(base + v["data_offsets"][0])
                data = bytearray(f.read(v["data_offsets"][1] - v["data_offsets"][0]))
                tensors[k] = torch.frombuffer(data, dtype=torch.float32).reshape(v["shape"])
        return tensors
state = {k[len("visual."):]: v.float() for k, v in weights().items() if k.startswith("visual.")}
vit.load_state_dict(state)
del state
preprocess = transforms.Compose([
    transforms.Resize(vcfg["image_size"], interpolation=transforms.InterpolationMode.BICUBIC),
    transforms.CenterCrop(vcfg["image_size"]), transforms.ToTensor(),
    transforms.Normalize(pre.get("mean", ref.OPENAI_MEAN), pre.get("std", ref.OPENAI_STD))])

# The label matrix clipstream's text tower made: the newest complete version of the set on the compacted topic.
labels_consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group + "-labels",
                            "isolation.level": "read_committed", "enable.auto.commit": False})
parts = labels_consumer.list_topics(args.label_embeddings, timeout=30).topics[args.label_embeddings].partitions
labels_consumer.assign([TopicPartition(args.label_embeddings, n, -2) for n in parts])  # -2: beginning
by_version, deadline = {}, time.time() + 60
while time.time() < deadline:
    m = labels_consumer.poll(0.2)
    if m is None or m.error() or m.value() is None:
        continue
    e = decode(m.value())
    if e["labelSetId"] == args.label_set:
        by_version.setdefault(e["labelSetVersion"], {})[e["index"]] = e
        got = by_version[e["labelSetVersion"]]
        if len(got) == e["labelCount"] and e["labelSetVersion"] == max(by_version):
            break
labels_consumer.close()
version = max(by_version)
rows = [by_version[version][i] for i in range(len(by_version[version]))]
names = [r["label"] for r in rows]
matrix = torch.nn.functional.normalize(torch.tensor([r["embedding"] for r in rows]), dim=-1)
top_k = min(rows[0]["topK"] or 5, len(rows))
log(f"{len(names)} labels of {args.label_set} v{version}; model {model_dir}; torch threads {torch.get_num_threads()}")

out_schema = avro.schema.parse(CLASSIFICATION.read_text())
req = urllib.request.Request(f"{args.registry}/subjects/{args.output}-value/versions", method="POST",
                             data=json.dumps({"schema": str(out_schema)}).encode(),
                             headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
with urllib.request.urlopen(req) as r:
    out_prefix = struct.pack(">bI", 0, json.load(r)["id"])
out_writer = avro.io.DatumWriter(out_schema)
def encode(record):
    buf = io.BytesIO(out_prefix)
    buf.seek(5)
    out_writer.write(record, avro.io.BinaryEncoder(buf))
    return buf.getvalue()

consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group, "auto.offset.reset": "earliest",
                     "isolation.level": "read_committed", "enable.auto.commit": False,
                     "fetch.message.max.bytes": 16 << 20})
producer = Producer({"bootstrap.servers": args.bootstrap, "transactional.id": args.transactional_id,
                     "message.max.bytes": 16 << 20})
producer.init_transactions()
consumer.subscribe([args.input])
if args.ready_file:
    Path(args.ready_file).touch()
stages = dict.fromkeys(["decode_preprocess", "tower", "scoring", "produce_commit"], 0.0)
done, timed, started, last, model_id = 0, 0, None, time.time(), "pytorch " + model_dir.name
while (args.max_images == 0 or done < args.max_images) and time.time() - last < args.idle_seconds:
    batch = [m for m in consumer.consume(args.batch, args.wait_ms / 1000) if not m.error()]
    if not batch:
        continue
    t0 = last = time.time()
    if done >= args.warmup and started is None:
        started = t0
    events = [decode(m.value()) for m in batch]
    pixels = torch.stack([preprocess(Image.open(io.BytesIO(e["image"]["data"])).convert("RGB")) for e in events])
    t1 = time.time()
    with torch.inference_mode():
        embeddings = vit(pixels)
    t2 = time.time()
    cosines = torch.nn.functional.normalize(embeddings, dim=-1) @ matrix.T
    probabilities = torch.softmax(100 * cosines, dim=-1)
    best = torch.topk(cosines, top_k, dim=-1).indices.tolist()
    t3 = time.time()
    producer.begin_transaction()
    for m, e, c, pr, b in zip(batch, events, cosines.tolist(), probabilities.tolist(), best):
        top = [{"label": names[i], "similarity": c[i], "probability": pr[i]} for i in b]
        flagged = sorted([{"label": names[i], "similarity": c[i], "probability": pr[i]} for i, r in enumerate(rows)
                          if r["threshold"] is not None and c[i] >= r["threshold"]], key=lambda s: -s["similarity"])
        producer.produce(args.output, key=m.key(), value=encode({
            "imageId": e["id"], "labelSet": args.label_set, "labelSetVersion": version, "modelId": model_id,
            "top": top, "flagged": flagged, "eventTime": e["eventTime"],
            "processingTime": datetime.now(timezone.utc), "attributes": e["attributes"]}), headers=m.headers())
    offsets = {}
    for m in batch:
        offsets[(m.topic(), m.partition())] = max(offsets.get((m.topic(), m.partition()), 0), m.offset() + 1)
    producer.send_offsets_to_transaction([TopicPartition(t, n, o) for (t, n), o in offsets.items()],
                                         consumer.consumer_group_metadata())
    producer.commit_transaction()
    t4 = last = time.time()
    done += len(batch)
    if started is not None:
        timed += len(batch)
        for stage, took in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            stages[stage] += took
    log(f"{done} images")
consumer.close()
seconds = (last - started) if started else 0.0
print(json.dumps({
    "side": "python", "images": timed, "seconds": round(seconds, 3),
    "images_per_s": round(timed / seconds, 2) if seconds > 0 else 0, "warmup_images": done - timed,
    "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    "torch_threads": torch.get_num_threads(), "engine": f"pytorch {torch.__version__}",
    "openblas_core": openblas_core(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset"),
    "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
    "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "unset"),
    "blas": os.environ.get("LD_LIBRARY_PATH", "torch default")}), flush=True)
