#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, which .ci/run installs), for the test that
# submits an emitted grid job to a real slurmctld. `.ci/slurm.sh start DIR` writes DIR/slurm.conf, starts munged (as
# the munge user: it refuses root), slurmctld and slurmd, and waits until the node is idle; `.ci/slurm.sh stop DIR`
# stops what start started. No cgroups: proctrack/linuxproc and task/none.
set -euo pipefail
action=$1
dir=$2
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

case "$action" in
  start)
    mkdir -p "$dir/state" "$dir/spool" "$dir/log"
    host=$(hostname -s)
    cpus=$(nproc)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=mixupsharp-ci
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldPort=16817
SlurmdPort=16818
NodeName=$host CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    if ! pgrep -x munged >/dev/null; then
      $sudo_cmd mkdir -p /run/munge /var/log/munge /var/lib/munge
      $sudo_cmd chown munge:munge /run/munge /var/log/munge /var/lib/munge
      $sudo_cmd runuser -u munge -- /usr/sbin/munged --force
      touch "$dir/started-munged"
    fi
    $sudo_cmd slurmctld -f "$dir/slurm.conf"
    $sudo_cmd slurmd -f "$dir/slurm.conf"
    for _ in $(seq 60); do
      if SLURM_CONF="$dir/slurm.conf" sinfo -h -o %T 2>/dev/null | grep -q idle; then exit 0; fi
      sleep 1
    done
    echo "error: the one-node Slurm cluster in $dir did not come up; see $dir/log" >&2
    exit 1 ;;
  stop)
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
      [ -f "$pidfile" ] && $sudo_cmd kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    if [ -f "$dir/started-munged" ]; then $sudo_cmd pkill -x munged || true; fi
    for _ in $(seq 30); do
      pgrep -x 'slurmctld|slurmd' >/dev/null || exit 0
      sleep 0.5
    done ;;
  *)
    echo "usage: .ci/slurm.sh start|stop DIR" >&2
    exit 2 ;;
esac
