#!/usr/bin/env bash
# rl_cli.sh - learned schedules end to end:
#   lrlab train-policy is deterministic (the same script twice: the same policy, returns and
#   checkpoint bytes) and resumes exactly (8 episodes, then --resume with episodes = 16,
#   gives the bytes of 16 episodes in one go); it refuses a resume with another
#   configuration, an earlier training without --resume or --fresh, and bad scripts, each
#   with one line and exit code 2;
#   with the DNN paper's state and reward (tests/e2e/rl_train_dnn.lua: reward = "dnn",
#   inputs log_val, progress and the gradient norms) training is deterministic too, the
#   policy lists all the features, log_val last, and runs in an experiment; bad
#   reward_gamma or reward_lambda values, either given without reward = "dnn", and an
#   unknown feature in inputs are refused with one line and exit code 2;
#   scheduler "rl" runs in an experiment with the committed tiny policy (greedy and sampled),
#   the same bytes with -j 1 and -j 2;
#   a missing, truncated, mismatched (feature count, order or name) or non-numeric policy
#   file stops `lrlab run` (and --check) at plan time: exit code 2, one line naming the
#   policy file and its line, no output folder.
# usage: rl_cli.sh SRC_DIR LRLAB_BIN
set -euo pipefail
src=$1 bin=$2
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"

# ---- training: determinism and resume ----
train=tests/e2e/rl_train.lua
sed 's/episodes = 8,/episodes = 16,/' "$train" > "$tmp/train16.lua"
grep -q 'episodes = 16,' "$tmp/train16.lua" || fail "could not make the 16-episode script"
"$bin" train-policy "$train" --out "$tmp/a" --quiet > /dev/null
"$bin" train-policy "$train" --out "$tmp/b" --quiet > /dev/null
for f in tiny.policy tiny-returns.csv tiny.checkpoint; do
  cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs of the same script"
done
[ "$(wc -l < "$tmp/a/tiny-returns.csv")" -eq 9 ] || fail "returns.csv rows"
head -1 "$tmp/a/tiny-returns.csv" | grep -q '^episode,task,seed,lr0,return,task_mean,final_loss,lr_clips,status$' \
  || fail "returns.csv header"
"$bin" train-policy "$tmp/train16.lua" --out "$tmp/c" --quiet > /dev/null
cp -r "$tmp/a" "$tmp/d"
"$bin" train-policy "$tmp/train16.lua" --out "$tmp/d" --resume --quiet > /dev/null
for f in tiny.policy tiny-returns.csv tiny.checkpoint; do
  cmp -s "$tmp/c/$f" "$tmp/d/$f" || fail "$f: 8 + resumed 8 episodes differ from 16 in one go"
done
grep -q '^training_episodes 16$' "$tmp/d/tiny.policy" || fail "resumed policy metadata"

# the DNN paper's state and reward
dnn=tests/e2e/rl_train_dnn.lua
"$bin" train-policy "$dnn" --out "$tmp/dnn1" --quiet > /dev/null
"$bin" train-policy "$dnn" --out "$tmp/dnn2" --quiet > /dev/null
for f in tinydnn.policy tinydnn-returns.csv tinydnn.checkpoint; do
  cmp -s "$tmp/dnn1/$f" "$tmp/dnn2/$f" || fail "$f differs between two runs of the same dnn script"
done
grep -q '^reward dnn$' "$tmp/dnn1/tinydnn.policy" || fail "dnn policy: reward line"
# its figure: the episodes and one series per task, each titled; the reward in the title
gp="$tmp/dnn1/tinydnn-returns.gp"
[ "$(grep -o "title 'each episode'" "$gp" | wc -l)" -eq 1 ] || fail "returns figure: the episodes' series"
[ "$(grep -o 'title "[ab]: mean of its last 50"' "$gp" | wc -l)" -eq 2 ] || fail "returns figure: one series per task"
grep -q '^set title .*reward: gamma x' "$gp" || fail "returns figure: the reward in the title"
grep -q '^set key below' "$gp" || fail "returns figure: the key below the plot"
grep -q '^features 15 log_lr .* log_grad7 log_val$' "$tmp/dnn1/tinydnn.policy" \
  || fail "dnn policy: features line"
grep -q '^inputs 0 1 0 0 0 0 1 1 1 1 0 0 0 0 1$' "$tmp/dnn1/tinydnn.policy" \
  || fail "dnn policy: inputs line"
grep -q '^architecture mlp_tanh 15 8 8 5$' "$tmp/dnn1/tinydnn.policy" || fail "dnn policy: inputs"
# the same script with the default reward: another policy (the reward reaches the training)
sed 's/reward = "dnn", reward_gamma = 2, reward_lambda = 0.05,/reward = "val_loss",/' "$dnn" > "$tmp/val.lua"
grep -q 'reward = "val_loss",' "$tmp/val.lua" || fail "could not make the val_loss script"
"$bin" train-policy "$tmp/val.lua" --out "$tmp/val" --quiet > /dev/null
cmp -s "$tmp/dnn1/tinydnn-returns.csv" "$tmp/val/tinydnn-returns.csv" \
  && fail "reward = dnn and val_loss gave the same returns"
printf 'experiment { name = "d", seeds = { 1 },\n  tasks = { task "mlp" { dataset = "synthetic", n = 600, noise = 0.5, widths = 8, val_size = 100,\n    train_eval_size = 100, batch = 16, steps = 60, eval_every = 10 } },\n  optimizers = { optimizer "sgd" { lr = 0.1 } },\n  schedulers = { scheduler "rl" { policy = "%s" } } }\n' \
  "$tmp/dnn1/tinydnn.policy" > "$tmp/dnn_exp.lua"
"$bin" run "$tmp/dnn_exp.lua" --out "$tmp/dnn_run" --quiet > /dev/null
[ "$(grep -c ',rl,1,0.1,100,.*,ok,' "$tmp/dnn_run/runs.csv")" -eq 1 ] || fail "dnn policy in an experiment"

expect_usage() { # NAME STDERR-PATTERN CMD...
  local name=$1 pat=$2 rc=0
  shift 2
  "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
  [ $rc -eq 2 ] || fail "$name: exit $rc (expected 2): $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "$name: wrote to stdout"
  [ "$(grep -cv '^hint: ' "$tmp/err")" -eq 1 ] || fail "$name: not one line: $(cat "$tmp/err")"
  grep -q -- "$pat" "$tmp/err" || fail "$name: message: $(cat "$tmp/err")"
}
expect_usage "earlier training" "tiny.checkpoint: a training of policy tiny is here (expected --resume" \
  "$bin" train-policy "$train" --out "$tmp/a"
sed 's/seed = 3,/seed = 4,/' "$train" > "$tmp/other.lua"
expect_usage "resume, other config" "tiny.checkpoint:3: config: made with another script" \
  "$bin" train-policy "$tmp/other.lua" --out "$tmp/a" --resume
printf 'policy_training { name = "x", seeds = {1}, tasks = { task "nmf" { dataset = "synthetic" } },\n  optimizer = optimizer "sgd" { lr = 1 }, epsiodes = 3 }\n' > "$tmp/key.lua"
expect_usage "unknown key" "key.lua:1: policy_training: epsiodes: unknown key (expected one of name, tasks, optimizer, seeds, episodes," \
  "$bin" train-policy "$tmp/key.lua" --out "$tmp/x"
printf 'policy_training { name = "x", seeds = {1},\n  tasks = { task "nmf" { dataset = "synthetic", steps = 10 } },\n  optimizer = optimizer "sgd" { lr = 1 } }\n' > "$tmp/steps.lua"
expect_usage "task steps" 'steps.lua:2: task "nmf": steps: set by policy_training (expected steps = N in policy_training' \
  "$bin" train-policy "$tmp/steps.lua" --out "$tmp/x"
printf 'policy_training { name = "x", seeds = {1}, tasks = { task "nmf" { dataset = "synthetic" } } }\n' > "$tmp/noopt.lua"
expect_usage "no optimizer" 'noopt.lua:1: policy_training: optimizer: invalid value (expected optimizer "NAME" { ... }, got nothing)' \
  "$bin" train-policy "$tmp/noopt.lua" --out "$tmp/x"
expect_usage "experiment script" 'quick.lua:13: experiment: not expected here (expected policy_training' \
  "$bin" train-policy scripts/quick.lua --out "$tmp/x"
expect_usage "training script to run" 'rl_train.lua:3: policy_training: not expected here (expected experiment' \
  "$bin" run "$train" --out "$tmp/x"
bad_dnn() { # NAME PATTERN SED-EXPRESSION: the dnn script edited, refused
  sed "$3" "$dnn" > "$tmp/bad_dnn.lua"
  cmp -s "$dnn" "$tmp/bad_dnn.lua" && fail "$1: the edit did not apply"
  expect_usage "$1" "bad_dnn.lua:10: policy_training: $2" "$bin" train-policy "$tmp/bad_dnn.lua" --out "$tmp/x"
}
bad_dnn "reward_gamma 0" 'reward_gamma: invalid value (expected number in (0, inf), got 0)' 's/reward_gamma = 2/reward_gamma = 0/'
bad_dnn "reward_gamma inf" 'reward_gamma: invalid value (expected number in (0, inf), got inf)' 's|reward_gamma = 2|reward_gamma = 1/0|'
bad_dnn "reward_lambda < 0" 'reward_lambda: invalid value (expected number in \[0, inf), got -0.5)' 's/reward_lambda = 0.05/reward_lambda = -0.5/'
bad_dnn "reward_lambda nan" 'reward_lambda: invalid value (expected number in \[0, inf), got nan)' 's|reward_lambda = 0.05|reward_lambda = 0/0|'
bad_dnn "reward_gamma without dnn" 'reward_gamma: needs reward = "dnn" (expected reward = "dnn" when reward_gamma is given, got reward = "train_loss")' 's/reward = "dnn", //'
bad_dnn "reward_lambda without dnn" 'reward_lambda: needs reward = "dnn" (expected reward = "dnn" when reward_lambda is given, got reward = "val_loss")' 's/reward = "dnn", reward_gamma = 2,/reward = "val_loss",/'
bad_dnn "unknown feature" 'inputs: unknown feature "log_vol" (expected all, or names among' 's/log_val|/log_vol|/'
[ ! -e "$tmp/x" ] || fail "a refused script wrote $tmp/x"

# ---- scheduler "rl" in an experiment ----
exp=tests/e2e/rl.lua
"$bin" run "$exp" --out "$tmp/r1" -j 1 --quiet > /dev/null
"$bin" run "$exp" --out "$tmp/r2" -j 2 --quiet > /dev/null
for f in runs.csv curves.csv evals.csv; do cmp -s "$tmp/r1/$f" "$tmp/r2/$f" || fail "$f differs with -j"; done
[ "$(grep -c ',rl,.*,ok,' "$tmp/r1/runs.csv")" -eq 6 ] || fail "rl rows"
[ "$(grep -c ',rl-sampled,.*,ok,' "$tmp/r1/runs.csv")" -eq 6 ] || fail "rl-sampled rows"

# damaged policies: exit 2 at plan time, the policy file and line named, nothing written
bad() { # NAME PATTERN: runs the experiment with the policy at $tmp/p.policy
  sed "s|tests/fixtures/rl/tiny.policy|$tmp/p.policy|" "$exp" > "$tmp/exp.lua"
  expect_usage "$1" "$2" "$bin" run "$tmp/exp.lua" --out "$tmp/y"
  expect_usage "$1 (--check)" "$2" "$bin" run "$tmp/exp.lua" --out "$tmp/y" --check
  [ ! -e "$tmp/y" ] || fail "$1: wrote an output folder"
}
pol=tests/fixtures/rl/tiny.policy
rm -f "$tmp/p.policy"
bad "missing" "exp.lua:10: scheduler \"rl\": policy: $tmp/p.policy: cannot read policy file"
head -c 2000 "$pol" > "$tmp/p.policy"
bad "truncated" "exp.lua:10: scheduler \"rl\": policy: $tmp/p.policy:22: layer 1 unit 4: 5 numbers (expected 15: 14 weights and a bias)"
sed 's/^features 14 /features 13 /' "$pol" > "$tmp/p.policy"
bad "feature count" "policy: $tmp/p.policy:12: features: 13 features (expected 14"
sed 's/ train_trend val_trend / val_trend train_trend /' "$pol" > "$tmp/p.policy"
bad "feature order" "policy: $tmp/p.policy:12: features: feature 3 is \"val_trend\" (expected \"train_trend\")"
sed 's/^features 14 \(.*\)$/features 15 \1 log_speed/' "$pol" > "$tmp/p.policy"
bad "unknown feature" "policy: $tmp/p.policy:12: features: feature 15 is \"log_speed\" (expected \"log_val\")"
sed 's/^lrlab-policy 1$/lrlab-policy 2/' "$pol" > "$tmp/p.policy"
bad "version" "policy: $tmp/p.policy:3: lrlab-policy: format version 2 (expected 1"
awk 'NR == 20 { $3 = "0.1x" } { print }' "$pol" > "$tmp/p.policy"
bad "non-numeric weight" "policy: $tmp/p.policy:20: layer 1 unit 2: not a number (expected a finite decimal number, got \"0.1x\")"
# a cell's id follows the policy's contents: a retrained policy at the same path reruns its
# cells on resume, the other cells are kept
cp "$pol" "$tmp/p.policy"
sed "s|tests/fixtures/rl/tiny.policy|$tmp/p.policy|" "$exp" > "$tmp/exp.lua"
"$bin" run "$tmp/exp.lua" --out "$tmp/r3" -j 1 --quiet > /dev/null
cmp -s "$tmp/r1/runs.csv" "$tmp/r3/runs.csv" && fail "the cell ids name the policy's path"
cut -d, -f2 "$tmp/r3/plan.csv" | sort > "$tmp/ids_before"
awk 'NR == 20 { $3 = $3 + 0.25 } { print }' "$pol" > "$tmp/p.policy"
"$bin" run "$tmp/exp.lua" --out "$tmp/r3" -j 1 --quiet > /dev/null
cut -d, -f2 "$tmp/r3/plan.csv" | sort > "$tmp/ids_after"
common=$(comm -12 "$tmp/ids_before" "$tmp/ids_after" | wc -l)
total=$(wc -l < "$tmp/ids_before")
[ "$common" -lt "$total" ] || fail "editing the policy kept every cell id"
[ "$common" -gt 0 ] || fail "editing the policy changed the ids of cells that do not use it"
echo "rl: ok"
