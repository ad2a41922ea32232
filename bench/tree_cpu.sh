#!/usr/bin/env bash
# bench/tree_cpu.sh LABEL COMMAND...: run COMMAND and print the CPU seconds of its whole process
# tree, counted by a cpuacct cgroup of its own (cgroup v1, as root). /usr/bin/time and
# getrusage(RUSAGE_CHILDREN) count only the processes their parents wait for, and miss most
# of Chromium's (reparented when the browser closes). Prints one line:
#   CPU LABEL: 71.2 s (user 5324 system 1409 ticks), wall 137.5 s, exit 0, load 9.61 10.51 7.47
set -u
label=$1
shift
group=/sys/fs/cgroup/cpuacct/taizhang-$label-$$
mkdir -p "$group"
start=$(date +%s.%N)
(
    echo "$BASHPID" >"$group/cgroup.procs"
    exec "$@"
)
status=$?
end=$(date +%s.%N)
sleep 1 # processes still ending are counted until they are gone
read -r user_line <"$group/cpuacct.stat"
system_line=$(sed -n 2p "$group/cpuacct.stat")
python3 -c "import sys; print(f'CPU {sys.argv[1]}: {int(sys.argv[2]) / 1e9:.1f} s ({sys.argv[3]} ticks), wall {float(sys.argv[5]) - float(sys.argv[4]):.1f} s, exit {sys.argv[6]}, load {sys.argv[7]}')" \
    "$label" "$(cat "$group/cpuacct.usage")" "$user_line $system_line" "$start" "$end" "$status" "$(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$(cat "$group/cgroup.procs")" ] && rmdir "$group"
exit $status
