#!/usr/bin/env bash
# Runs the AVX-512 build's tests on a host without AVX-512 (the CPU's own tests skip an ISA it lacks): the test
# programs, their shared libraries and busybox go into an initramfs, which a small Linux guest boots under Bochs
# (Debian's bochs 2.7 emulates AVX-512 F/CD/BW/DQ/VL as its Skylake-X model); the guest's serial console is the
# output. Slow: Bochs runs about 10-15 million guest instructions a second, so this takes 20-40 minutes.
#
# Usage: tools/ci/emulated-avx512-tests.sh [build-dir]   (default build/, built by tools/build.sh if it lacks the tests)
# Environment: NNK_EMULATION_TIMEOUT (seconds, default 5400), NNK_SWEEP_STRIDE for the accuracy sweeps (default 64).
# A guest that has not started its tests within 7 minutes (1-3 is usual) is booted again, up to 3 boots in all; the
# logs of a boot that hung are kept (*.hung-N).
# Installs what is missing from Debian's packages (as root): bochs, its BIOS images, GRUB's BIOS image tools,
# xorriso, mtools, busybox-static, cpio; and downloads (does not install) the Debian cloud kernel it boots. Debian 12.
# Exit status: 0 when every test program in the guest passed; 1 otherwise, with the failures (or the end of the
# emulator's own output, when the guest did not boot) shown.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
work="$build/emulated-avx512"
timeout_s=${NNK_EMULATION_TIMEOUT:-5400}
boot_timeout_s=420
sweep_stride=${NNK_SWEEP_STRIDE:-64}
programs=(nnk_eltwise_tests nnk_gemm_tests nnk_core_tests nnk_nn_tests)
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || { echo "NNK_EMULATION_TIMEOUT: expected seconds, got '$timeout_s'" >&2; exit 1; }
if ! [[ $sweep_stride =~ ^[1-9][0-9]*$ ]]; then
  echo "NNK_SWEEP_STRIDE: expected a positive integer, got '$sweep_stride'" >&2
  exit 1
fi

# --- tools (bochs needs one display plugin package; bochs-term is the smallest)
needed=()
for package in bochs bochs-term bochsbios vgabios grub-pc-bin grub-common xorriso mtools busybox-static cpio; do
  [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) == "install ok installed" ]] || needed+=("$package")
done
if ((${#needed[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "emulated-avx512-tests: missing packages ${needed[*]}; run as root or install them" >&2
    exit 1
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${needed[@]}" >/dev/null
fi

# --- the test programs
missing=0
for p in "${programs[@]}"; do [[ -x "$build/tests/$p" ]] || missing=1; done
if ((missing)); then
  if [[ $build != build ]]; then
    echo "emulated-avx512-tests: $build/tests lacks ${programs[*]}: build them first" >&2
    exit 1
  fi
  tools/build.sh
fi
mkdir -p "$work"

# --- the guest kernel: Debian's cloud kernel (small, serial console, initramfs), downloaded once
kernel="$work/vmlinuz"
if [[ ! -f "$kernel" ]]; then
  # The package the metapackage points to now; with stale or missing package lists, after an update.
  download_kernel() {
    local package
    package=$( (apt-cache depends linux-image-cloud-amd64 2>/dev/null || true) |
              awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [[ -n $package ]] || return 1
    # (apt warns that it downloads as root into a folder its _apt user cannot write: harmless)
    rm -f "$work"/linux-image-*.deb
    (cd "$work" && apt-get download -q "$package" 2>&1 | grep -v -e unsandboxed) || true
    compgen -G "$work/linux-image-*.deb" >/dev/null
  }
  if ! download_kernel; then
    apt-get update -q >/dev/null
    if ! download_kernel; then
      echo "emulated-avx512-tests: could not download the kernel of linux-image-cloud-amd64" >&2
      exit 1
    fi
  fi
  rm -rf "$work/kernel-package"
  dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel-package"
  cp "$work"/kernel-package/boot/vmlinuz-* "$kernel"
  rm -rf "$work/kernel-package" "$work"/linux-image-*.deb
fi

# --- the initramfs: busybox, the programs and every shared library they load
root="$work/root"
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,t}
cp /bin/busybox "$root/bin/"
for applet in sh mount poweroff grep sort tr echo; do ln -s busybox "$root/bin/$applet"; done
for p in "${programs[@]}"; do
  cp "$build/tests/$p" "$root/t/"
  ldd "$build/tests/$p" | awk '/=> \// {print $3} /^\t\// {print $1}' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "=== guest CPU: $(grep -o 'avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
sh /tests.sh
echo "=== guest done"
poweroff -f
EOF
chmod +x "$root/init"
# Each program once: the avx512 instances of the ISA-parameterized tests and, with NNK_ISA=avx512, the rest (the
# accuracy sweeps every NNK_SWEEP_STRIDE-th float); nnk_nn_tests with the dispatch's own choice, avx512.
cat >"$root/tests.sh" <<EOF
cd /tmp
export NNK_ISA=avx512 NNK_SWEEP_STRIDE=$sweep_stride
for p in ${programs[*]}; do
  [ \$p = nnk_nn_tests ] && unset NNK_ISA
  echo "=== \$p"
  /t/\$p --gtest_color=no --gtest_filter='-*/avx2:*/generic'
  echo "=== \$p exit \$?"
done
EOF

# --- a bootable CD image: GRUB loads the kernel and the initramfs
iso="$work/iso"
rm -rf "$iso"
mkdir -p "$iso/boot/grub"
cp "$kernel" "$iso/boot/vmlinuz"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null) | gzip -1 >"$iso/boot/initrd.gz"
# clearcpuid: Bochs 2.7 reports a zero size for the PKRU state (CPUID 0xD, 9) and the standard size for the
# compacted format; Linux then finds the XSAVE layout inconsistent and turns XSAVE, and so AVX and AVX-512, off.
# Without protection keys and the compacted formats the layout it reports is consistent.
cat >"$iso/boot/grub/grub.cfg" <<'EOF'
set timeout=0
serial --unit=0 --speed=115200
terminal_output serial
menuentry nnk {
  linux /boot/vmlinuz console=ttyS0,115200 loglevel=3 nopku clearcpuid=ospke,pku,xsaves,xsavec nokaslr
  initrd /boot/initrd.gz
}
EOF
grub-mkrescue -o "$work/boot.iso" "$iso" >"$work/grub-mkrescue.log" 2>&1 || { cat "$work/grub-mkrescue.log"; exit 1; }

# --- Bochs: no display (a VNC server that does not wait for a client), no sound, its debugger told to continue
vgabios=/usr/share/bochs/VGABIOS-lgpl-latest
[[ -f $vgabios ]] || vgabios=/usr/share/vgabios/vgabios.bin
serial="$work/serial.txt"
rm -f "$serial"
cat >"$work/bochsrc" <<EOF
megs: 1024
cpu: model=corei7_skylake_x, count=1, ips=50000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=$vgabios
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$serial
display_library: rfb, options="timeout=0"
clock: sync=none, time0=local
mouse: enabled=0
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $work/bochs.log
EOF
printf 'c\nquit\n' >"$work/debugger-commands"

# One boot: 0 when the guest powered off, 1 past the time limit or at a kernel panic, 2 when it had not started its
# tests (its first line) within boot_timeout_s, which a later boot usually does not repeat. The serial console starts
# and ends its lines with \r, so the patterns are not anchored; and grep reads the file itself: behind a pipe, its
# early exit would kill the writer with SIGPIPE, which pipefail turns into "not found" once the log outgrows the pipe.
guest_says() { grep -q -a -e "$1" "$serial" 2>/dev/null; }
bochs_pid=
trap 'if [[ -n $bochs_pid ]]; then kill "$bochs_pid" 2>/dev/null || true; fi' EXIT
run_guest() {
  rm -f "$serial"
  bochs -f "$work/bochsrc" -rc "$work/debugger-commands" </dev/null >"$work/bochs.out" 2>&1 &
  bochs_pid=$!
  local started=$SECONDS verdict=0
  while kill -0 "$bochs_pid" 2>/dev/null; do
    sleep 5
    if ((SECONDS - started > boot_timeout_s)) && ! guest_says '=== guest CPU'; then
      verdict=2
    elif ((SECONDS - started > timeout_s)) || guest_says 'Kernel panic'; then
      verdict=1
    else
      continue
    fi
    kill "$bochs_pid"
    break
  done
  wait "$bochs_pid" || true
  bochs_pid=
  return "$verdict"
}
rm -f "$work"/*.hung-*
start=$SECONDS
for attempt in 1 2 3; do
  echo "emulated-avx512-tests: booting the guest under Bochs (output in $serial; up to $timeout_s s)"
  outcome=0
  run_guest || outcome=$?
  ((outcome == 2)) || break
  echo "emulated-avx512-tests: the guest had not started its tests after $boot_timeout_s s (boot $attempt)"
  ((attempt < 3)) || break
  for log in "$serial" "$work/bochs.out" "$work/bochs.log"; do [[ ! -f $log ]] || mv "$log" "$log.hung-$attempt"; done
done
echo "emulated-avx512-tests: guest ran $((SECONDS - start)) s"
((outcome != 1)) || echo "emulated-avx512-tests: stopped after $timeout_s s or at a kernel panic"

# --- the verdict: the guest booted with AVX-512, and every program reported exit status 0
output=$(tr -d '\r' <"$serial" 2>/dev/null | grep -a -v '^\[ *[0-9]*\.[0-9]*\]' || true)
echo "$output" | grep -a -E '^=== |^\[  (FAILED|PASSED|SKIPPED) |^\[ ACCURACY \]' || true
status=0
if ! grep -q -a '^=== guest CPU' <<<"$output"; then
  echo "the guest did not boot; the emulator's last words ($work/bochs.out):"
  tail -n 20 "$work/bochs.out"
  exit 1
fi
grep -q -a '^=== guest CPU: .*avx512bw' <<<"$output" || { echo "the guest has no AVX-512BW (see $serial)"; status=1; }
if grep -q -a 'does not support avx512' <<<"$output"; then
  echo "avx512 tests skipped in the guest (see $serial)"
  status=1
fi
for p in "${programs[@]}"; do
  grep -q -a "^=== $p exit 0\$" <<<"$output" || { echo "$p: failed or did not finish (see $serial)"; status=1; }
done
if ((status != 0)); then
  echo "the failures:"
  grep -a -E -A8 ': Failure$' <<<"$output" | head -n 200 || true
  exit 1
fi
echo "emulated-avx512-tests: all passed"
