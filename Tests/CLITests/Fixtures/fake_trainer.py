"""A stand-in for a framework's trainer in command-arm tests: it takes the
arguments a study substitutes, checks the data folder is real, holds some
memory, and prints ffbench's epoch lines (or garbage, or fails) on demand."""
import argparse, json, os, sys, time

p = argparse.ArgumentParser()
for name in ("seed", "epochs", "batch-size", "threads"):
    p.add_argument("--" + name, type=int, required=True)
p.add_argument("--layers", required=True)
p.add_argument("--dataset", required=True)
p.add_argument("--data-dir", required=True)
p.add_argument("--algorithm", default="ff")
p.add_argument("--args-to", help="write the arguments received to this file (JSON)")
p.add_argument("--fail-seed", default="none", help="exit 3 after the first epoch when the seed is this")
p.add_argument("--garbage", action="store_true", help="print lines that are not epoch lines")
a = p.parse_args()

if a.args_to:
    with open(a.args_to, "w") as f:
        json.dump(sys.argv[1:], f)
if not os.path.exists(os.path.join(a.data_dir, "train-images-idx3-ubyte.gz")):
    sys.exit("no MNIST in " + a.data_dir)

held = bytearray(30 * 1024 * 1024)  # 30 MiB the recorder should see
for i in range(0, len(held), 4096):
    held[i] = 1
base = 0.12 if a.algorithm == "ff" else 0.06
for epoch in range(1, a.epochs + 1):
    start = time.monotonic()
    time.sleep(0.15)
    seconds = time.monotonic() - start
    if a.garbage:
        print("loading batch 3 of 7 …", flush=True)
        print('{"epoch": "two", "test_error": 0.5}', flush=True)
        print('{"epoch": %d, "test_error": 7.5}' % epoch, flush=True)
    error = base / epoch + 0.002 * a.seed
    print(json.dumps({"epoch": epoch, "train_loss": 1.0 / epoch, "test_error": error, "validation_error": error + 0.001,
                      "train_seconds": seconds, "eval_seconds": 0.01}), flush=True)
    if str(a.seed) == a.fail_seed:
        print("simulated crash", file=sys.stderr, flush=True)
        sys.exit(3)
