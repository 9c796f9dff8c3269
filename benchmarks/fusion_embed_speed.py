"""Milliseconds per poster to embed a batch with a fused encoder's OpenVINO IR, as
`fusion_embeddings` does: reading and reducing the batch's stored tokens (the patches by the
PCA, the poster's words by TF-IDF and SVD), then the IR. The
baseline in the same run is reading the tokens alone. The encoder is freshly initialised and
exported (the cost does not depend on its weights).

    python benchmarks/fusion_embed_speed.py HOME [--batch 200] [--repeats 3]

HOME is a home whose posters have patch and text tokens (any ingest made them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from poster_assets.fusion.export import export_fusion_encoder
from poster_assets.fusion.model import FusionEncoder
from poster_assets.fusion.runtime import FusionRuntime
from poster_assets.home import PosterHome
from poster_assets.pretraining.fusion_data import load_fusion_data
from poster_assets.store.fusion_inputs import patch_token_rows, text_token_rows
from poster_assets.store.opening import open_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    db = open_database(PosterHome(args.home))
    all_ids = patch_token_rows(db)["poster_id"].tolist()
    fitted = load_fusion_data(db, poster_ids=all_ids[: args.batch])
    reduction, words = fitted.reduction, fitted.words
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as scratch:
        xml = export_fusion_encoder(FusionEncoder(), Path(scratch) / "encoder.xml")
        runtime = FusionRuntime("bench", xml, None)
        times: dict[str, list[float]] = {"read_tokens_only": [], "read_and_reduce": [], "ir": []}
        for repeat in range(args.repeats):
            ids = all_ids[repeat * args.batch : (repeat + 1) * args.batch] or all_ids[: args.batch]
            start = time.perf_counter()
            patch_token_rows(db, ids)
            text_token_rows(db, ids)
            times["read_tokens_only"].append(time.perf_counter() - start)
            start = time.perf_counter()
            data = load_fusion_data(db, reduction, ids, words=words)
            times["read_and_reduce"].append(time.perf_counter() - start)
            start = time.perf_counter()
            runtime.embed(data)
            times["ir"].append(time.perf_counter() - start)
    per_poster = {
        f"{name}_ms_per_poster": round(1000 * statistics.median(values) / args.batch, 2)
        for name, values in times.items()
    }
    total = per_poster["read_and_reduce_ms_per_poster"] + per_poster["ir_ms_per_poster"]
    print(json.dumps({"batch": args.batch, **per_poster, "embed_ms_per_poster": total}, indent=2))


if __name__ == "__main__":
    main()
